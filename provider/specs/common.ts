// Building blocks shared by the connection specs: option constructors and the rule shapes that recur.
import type { Args, ExclusiveGroup, Failure, OptionSpec, Rule, ValueKind } from './types';

export function option(arg: string, keyword: string, value: ValueKind, doc: string, alterable = true): OptionSpec {
  return { arg, keyword, value, doc, alterable };
}

export function isSet(args: Args, arg: string): boolean {
  return args[arg] !== undefined && args[arg] !== null;
}

/** `required`: Materialize's "<KEYWORD> option is required". */
export function required(arg: string, keyword: string): { arg: string; reason: string } {
  return { arg, reason: `${keyword} option is required` };
}

/** When `arg` is set, every one of `needs` must be set too; the failure names `arg`. */
export function requires(arg: string, needs: readonly string[], reason: string): Rule {
  return {
    args: [arg, ...needs],
    check: (a) => (isSet(a, arg) && needs.some((n) => !isSet(a, n)) ? [{ property: arg, reason }] : []),
  };
}

/** Both or neither; the failure names the one that is set. */
export function together(first: string, second: string, reason: string): Rule {
  return {
    args: [first, second],
    check: (a) => {
      if (isSet(a, first) === isSet(a, second)) return [];
      return [{ property: isSet(a, first) ? first : second, reason }];
    },
  };
}

/** Never both; the failure names `second`. */
export function conflicts(first: string, second: string, reason: string): Rule {
  return {
    args: [first, second],
    check: (a) => (isSet(a, first) && isSet(a, second) ? [{ property: second, reason }] : []),
  };
}

export function rule(args: readonly string[], check: (a: Args) => Failure[]): Rule {
  return { args, check };
}

export function exclusive(group: ExclusiveGroup): ExclusiveGroup {
  return group;
}

// Options several types share, with the same keyword and value kind everywhere.
export const tlsOptions = {
  sslCertificateAuthority: option(
    'sslCertificateAuthority',
    'SSL CERTIFICATE AUTHORITY',
    { type: 'text-or-secret' },
    'CA certificate (PEM) used to verify the server; text or a Secret.',
  ),
  sslCertificate: option(
    'sslCertificate',
    'SSL CERTIFICATE',
    { type: 'text-or-secret' },
    'Client certificate (PEM) for TLS client authentication; text or a Secret.',
  ),
  sslKey: option('sslKey', 'SSL KEY', { type: 'secret' }, "Client certificate's private key (PEM); a Secret."),
};

export function sshTunnelOption(alterable: boolean): OptionSpec {
  return option(
    'sshTunnel',
    'SSH TUNNEL',
    { type: 'connection', of: 'ssh-tunnel' },
    'An SshTunnelConnection to route traffic through.',
    alterable,
  );
}

export function privatelinkOption(alterable: boolean, port: boolean): OptionSpec {
  return option(
    'awsPrivatelink',
    'AWS PRIVATELINK',
    { type: 'privatelink', port },
    port
      ? 'An AwsPrivatelinkConnection to route traffic through, with an optional port: { connection, port? }.'
      : 'An AwsPrivatelinkConnection to route traffic through: { connection } (PORT is not supported here).',
    alterable,
  );
}

/** CSR, POSTGRES, MYSQL and SQL SERVER take one tunnel at most (connection.rs tunnel config). */
export const oneTunnelOnly = conflicts(
  'sshTunnel',
  'awsPrivatelink',
  'cannot specify both SSH TUNNEL and AWS PRIVATELINK',
);

/** A URL that must parse, and optionally name a host and have no path (CSR, §1.8; Iceberg, §1.11). */
export function urlShape(arg: string, what: string, opts: { host: boolean; emptyPath: boolean }): Rule {
  return rule([arg], (a) => {
    if (!isSet(a, arg)) return [];
    const text = a[arg] as string;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return [
        { property: arg, reason: `parsing ${what} url: "${text}" is not an absolute URL (e.g. https://host:8081)` },
      ];
    }
    if (opts.host && !url.hostname) return [{ property: arg, reason: 'URL must specify domain name' }];
    if (opts.emptyPath && url.pathname !== '' && url.pathname !== '/')
      return [{ property: arg, reason: `URL must have an empty path, not "${url.pathname}"` }];
    return [];
  });
}

/**
 * The options POSTGRES, MYSQL and SQL SERVER share, in render order: HOST, PORT, [DATABASE], USER,
 * PASSWORD, SSL MODE, the TLS options and the tunnels (a tunnel can't be swapped in place, §3.2 step 4).
 */
export function databaseServerOptions(o: {
  defaultPort: number;
  database: boolean;
  sslMode: OptionSpec;
}): OptionSpec[] {
  return [
    option('host', 'HOST', { type: 'text' }, 'Server hostname.'),
    option('port', 'PORT', { type: 'port' }, `Port (Materialize defaults to ${o.defaultPort}).`),
    ...(o.database ? [option('database', 'DATABASE', { type: 'text' }, 'Target database.')] : []),
    option('user', 'USER', { type: 'text-or-secret' }, 'Database user; text or a Secret.'),
    option('password', 'PASSWORD', { type: 'secret' }, 'Password; a Secret.'),
    o.sslMode,
    tlsOptions.sslCertificateAuthority,
    tlsOptions.sslCertificate,
    tlsOptions.sslKey,
    sshTunnelOption(false),
    privatelinkOption(false, false),
  ];
}

/** Both SSL KEY and SSL CERTIFICATE, or neither (§1.10 wording). */
export const clientCertificatePair = together(
  'sslKey',
  'sslCertificate',
  'both SSL KEY and SSL CERTIFICATE are required',
);
