// The reader refuses what it cannot read, with an error that names the option or the token: an unknown
// option (drift the specs don't describe must never be dropped silently), a truncated statement, another
// statement, a malformed value.
import fc from 'fast-check';
import { createConnectionSql } from '../../../provider/render';
import { parseShowCreateConnection, parseShowCreateSecret, SqlReadError } from '../../../provider/read/show-create';
import { connectionKinds, specFor } from '../../../provider/specs';
import { argsArbitrary } from './arbitraries';

const conn = (type: string, options: string) => () =>
  parseShowCreateConnection(`CREATE CONNECTION materialize.public.c TO ${type} (${options})`);

describe('unknown options', () => {
  test('an option no spec knows is named', () => {
    expect(conn('SSH TUNNEL', `HOST = 'h', FOO = 'x'`)).toThrow(
      /unknown option FOO for SSH TUNNEL connections \(known: HOST, PORT, USER\)/,
    );
    expect(conn('KAFKA', `BROKER 'b', COMPRESSION TYPE = gzip`)).toThrow(/unknown option COMPRESSION TYPE for KAFKA/);
  });

  test("another type's option is named, with the types it belongs to", () => {
    expect(conn('SSH TUNNEL', `HOST = 'h', DATABASE = 'd'`)).toThrow(
      /unknown option DATABASE for SSH TUNNEL connections .*it belongs to POSTGRES, SQL SERVER connections/,
    );
  });

  test('options Materialize accepts but the specs leave out still throw (PORT on AWS PRIVATELINK)', () => {
    expect(conn('AWS PRIVATELINK', `SERVICE NAME = 's', AVAILABILITY ZONES = ('a'), PORT = 1`)).toThrow(
      /unknown option PORT for AWS PRIVATELINK connections/,
    );
  });

  test('unknown sub-options and broker clauses', () => {
    expect(conn('KAFKA', `BROKERS ('a' USING AWS PRIVATELINK p (AVAILABILITY ZONES = 'z'))`)).toThrow(
      /unknown option AVAILABILITY ZONES in USING AWS PRIVATELINK/,
    );
    expect(conn('KAFKA', `AWS PRIVATELINK p (AVAILABILITY ZONE = 'z')`)).toThrow(
      /unknown option AVAILABILITY ZONE in AWS PRIVATELINK \(\.\.\.\); expected PORT/,
    );
    expect(conn('KAFKA', `BROKERS ('a' USING GCP TUNNEL p)`)).toThrow(
      /expected SSH TUNNEL or AWS PRIVATELINK after USING/,
    );
    expect(conn('KAFKA', `BROKERS ('a', MATCHING '*.az1.*' USING SSH TUNNEL t)`)).toThrow(
      /expected AWS PRIVATELINK after MATCHING '\*\.az1\.\*' USING, found "SSH"/,
    );
    expect(conn('KAFKA', `BROKERS ('a', MATCHING p USING AWS PRIVATELINK p)`)).toThrow(
      /MATCHING in BROKERS takes a quoted pattern, found "P"/,
    );
    expect(conn('KAFKA', `BROKER MATCHING '*' USING AWS PRIVATELINK p`)).toThrow(
      /BROKER takes a quoted broker address, found "MATCHING"/,
    );
    expect(conn('KAFKA', `BROKERS ('a', MATCHING '*' USING AWS PRIVATELINK p (PORT = 1, SCOPE = 'x'))`)).toThrow(
      /unknown option SCOPE in USING AWS PRIVATELINK/,
    );
  });

  test('an unknown connection type', () => {
    expect(conn('BOGUS', `CREDENTIALS = SECRET s`)).toThrow(/unknown connection type "BOGUS"; expected one of AWS, /);
  });

  test('an option of another type, among the new ones', () => {
    expect(conn('GCP', `REGISTRY = 'r'`)).toThrow(
      /unknown option REGISTRY for GCP connections \(known: SERVICE ACCOUNT KEY\); it belongs to AWS GLUE SCHEMA REGISTRY connections/,
    );
    expect(conn('ICEBERG CATALOG', `BOOTSTRAP BROKER = 'x'`)).toThrow(/unknown option BOOTSTRAP BROKER/);
  });
});

describe('truncated statements', () => {
  test.each([
    [
      `CREATE CONNECTION materialize.public.c TO SSH TUNNEL (HOST = 'h', USER`,
      /USER takes text, found end of statement/,
    ],
    [
      `CREATE CONNECTION materialize.public.c TO SSH TUNNEL (HOST = 'h'`,
      /expected "," or "\)" after a SSH TUNNEL option, found end of statement/,
    ],
    [`CREATE CONNECTION materialize.public.c TO SSH TUNNEL (HOST = 'h`, /unterminated string literal/],
    [`CREATE CONNECTION materialize.public."c TO`, /unterminated quoted identifier/],
    [`CREATE CONNECTION materialize.public.c TO`, /unknown connection type end of statement/],
    [`CREATE CONNECTION materialize.public.c`, /expected TO <connection type>, found end of statement/],
    [`CREATE CONNECTION`, /expected a name, found end of statement/],
    [`CREATE CONNECTION c TO KAFKA (BROKERS ('a', `, /BROKERS takes a quoted broker address, found end of statement/],
    [`CREATE CONNECTION c TO KAFKA (BROKER 'a') WITH (VALIDATE = false`, /unbalanced "\("/],
    [`CREATE CONNECTION c TO KAFKA (BROKER 'a' /* note`, /unterminated \/\* comment/],
  ])('%s', (sql, message) => {
    expect(() => parseShowCreateConnection(sql)).toThrow(SqlReadError);
    expect(() => parseShowCreateConnection(sql)).toThrow(message);
  });

  test('every strict prefix of a rendered statement is refused', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...connectionKinds).chain((kind) =>
          fc.tuple(
            fc.constant(kind),
            argsArbitrary(specFor(kind)).map((a) => ({ ...a, validate: undefined })),
          ),
        ),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        ([kind, args], cut) => {
          const sql = createConnectionSql(kind, args);
          const prefix = sql.slice(0, Math.floor(cut * sql.length));
          expect(() => parseShowCreateConnection(prefix)).toThrow(SqlReadError);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('other statements', () => {
  test.each([
    [
      `CREATE SOURCE s FROM KAFKA CONNECTION c (TOPIC 't')`,
      /expected a CREATE CONNECTION statement, found CREATE SOURCE S/,
    ],
    [`CREATE SECRET materialize.public.s AS '********'`, /expected a CREATE CONNECTION statement, found CREATE SECRET/],
    [`ALTER CONNECTION c SET (HOST = 'h')`, /expected a CREATE CONNECTION statement, found ALTER CONNECTION C/],
    [`SELECT 1`, /expected a CREATE CONNECTION statement, found SELECT 1/],
    [``, /expected a CREATE CONNECTION statement, found end of statement/],
    [`CREATE CONNECTION c TO SSH TUNNEL (HOST 'h'); DROP CONNECTION c`, /expected end of statement, found "DROP"/],
  ])('%s', (sql, message) => {
    expect(() => parseShowCreateConnection(sql)).toThrow(message);
  });

  test('the secret reader refuses a connection, a missing value, and trailing statements', () => {
    expect(() => parseShowCreateSecret(`CREATE CONNECTION c TO AWS (REGION 'r')`)).toThrow(
      /expected a CREATE SECRET statement, found CREATE CONNECTION C/,
    );
    expect(() => parseShowCreateSecret(`CREATE SECRET s`)).toThrow(/expected AS <value>, found end of statement/);
    expect(() => parseShowCreateSecret(`CREATE SECRET s AS`)).toThrow(/expected the secret value after AS/);
    expect(() => parseShowCreateSecret(`CREATE SECRET s AS 'x'; DROP SECRET s`)).toThrow(SqlReadError);
  });
});

describe('malformed values and names', () => {
  test.each([
    [`POSTGRES`, `HOST 'h', HOST 'i'`, /HOST specified more than once/],
    [`KAFKA`, `BROKER 'a', BROKERS ('b')`, /BROKER and BROKERS both specified/],
    [`CONFLUENT SCHEMA REGISTRY`, `URL 'u', USER 'a', USERNAME 'b'`, /USER specified more than once/],
    [`POSTGRES`, `PASSWORD = 'plain'`, /PASSWORD takes SECRET <name>, found a string literal \(5 characters\)/],
    [`SSH TUNNEL`, `USER = SECRET u`, /USER takes text, not a SECRET reference/],
    [`POSTGRES`, `PORT = '5432'`, /PORT takes a number, found a string literal \(4 characters\)/],
    [`POSTGRES`, `PORT = 70000`, /PORT takes an integer from 0 to 65535, found 70000/],
    [`POSTGRES`, `PORT = 54.5`, /PORT takes an integer from 0 to 65535, found 54.5/],
    [`POSTGRES`, `SSH TUNNEL = 'tunnel'`, /expected a name, found a string literal \(6 characters\)/],
    [`POSTGRES`, `SSH TUNNEL = a.b.c.d`, /a name has 1 to 3 parts, found 4: a.b.c.d/],
    [`POSTGRES`, `SSH TUNNEL = [u1 "a"]`, /expected AS in a resolved reference/],
    [
      `KAFKA`,
      `BROKERS 'a'`,
      /BROKERS takes a list of brokers in \(\.\.\.\) or \[\.\.\.\], found a string literal \(1 character\)/,
    ],
    [`KAFKA`, `BROKERS ('a' USING SSH TUNNEL t USING SSH TUNNEL u)`, /broker 'a' has USING SSH TUNNEL more than once/],
    [`AWS PRIVATELINK`, `AVAILABILITY ZONES ('a' 'b')`, /expected "," or "\)" in the AVAILABILITY ZONES list/],
    [`SSH TUNNEL`, `HOST 'h', PUBLIC KEY 1 = 'k'`, /PUBLIC KEY 1 without PUBLIC KEY 2/],
    [`SSH TUNNEL`, `HOST 'h' ~`, /unexpected character "~"/],
  ])('%s (%s)', (type, options, message) => {
    expect(conn(type, options)).toThrow(SqlReadError);
    expect(conn(type, options)).toThrow(message);
  });

  test('errors carry the offset and the text around it', () => {
    try {
      parseShowCreateConnection(`CREATE CONNECTION c TO SSH TUNNEL (HOST 'h', NOPE 'x')`);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(SqlReadError);
      expect((e as SqlReadError).pos).toBe(45);
      expect((e as Error).message).toMatch(/at offset 45: near "NOPE '\.\.\.'\)"/);
    }
  });
});
