// SSH TUNNEL validation: log in to the bastion with key 1, then key 2 (§1.9).
import type { Item } from '../catalog';
import type { ValidateCtx } from './context';
import { openTunnel } from './tunnel';

export async function validateSsh(ctx: ValidateCtx, item: Item): Promise<void> {
  const t = await openTunnel(ctx, item);
  t.close();
}
