import { DubstageError } from '../errors.js';
import type { StemTap } from '../render/mixer.js';
import type { RenderPlan } from '../render/plan.js';
import type { Session } from '../session/schema.js';
import { roleFromName } from '../qc/package.js';
import { STEM_ROLES, type StemRole } from '../qc/types.js';

/**
 * Which stem every direct input of the print bus belongs to: its `stem:` key, else its name (a bus
 * named DX; a track named DX_BOOM or FOLEY_FS routed straight to the print bus). Every input must
 * have one, or the stems would not sum to the mix: an unassigned input is an error that says how
 * to fix it. Returns one tap per stem, in DX FX MX BG order (an empty stem renders silence).
 */
export function assignStems(session: Session, plan: RenderPlan): StemTap[] {
  const print = plan.printBus;
  const inputs = new Map<StemRole, string[]>(STEM_ROLES.map((r) => [r, []]));
  const unassigned: string[] = [];
  const place = (name: string, explicit: StemRole | undefined, kind: 'bus' | 'track'): void => {
    const inferred = roleFromName(name.replace(/^FOLEY/i, 'FX'));
    const role = explicit ?? ((STEM_ROLES as readonly string[]).includes(inferred) ? (inferred as StemRole) : undefined);
    if (role) inputs.get(role)!.push(name);
    else unassigned.push(`${kind} "${name}"`);
  };
  for (const b of session.buses) if (b.output === print && b.name !== print) place(b.name, b.stem, 'bus');
  for (const t of session.tracks) if (t.output === print || t.sends.some((s) => s.bus === print)) place(t.name, t.stem, 'track');
  if (unassigned.length > 0) {
    throw new DubstageError(
      'input',
      `${unassigned.join(', ')} ${unassigned.length > 1 ? 'feed' : 'feeds'} the print bus "${print}" but ${unassigned.length > 1 ? 'belong' : 'belongs'} to no stem: name it DX, FX, MX or BG, or set "stem:" on it (the stems must sum to the mix)`,
    );
  }
  return STEM_ROLES.map((role) => ({ name: role, inputs: inputs.get(role)! }));
}
