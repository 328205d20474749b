import { generateRecoveryCode } from '../domain/codes.js';
import { anySuperAppExists } from '../store/tenants.js';
import type { Deps } from './deps.js';
import { addMember, addSuperAppAdmin, createAccount, createSuperApp, createWorkspace } from './operator.js';

export const DEMO_EMAIL = 'admin@example.com';

/**
 * On a database without any super app, creates a demo super app, workspace and admin
 * account with a random password; returns the credentials (to print once) or null.
 */
export async function seedDemoIfEmpty(deps: Deps) {
  if (await anySuperAppExists(deps.db)) return null;
  // 16 random letters and digits in groups of four: easy to read off a terminal, ~79 bits.
  const password = generateRecoveryCode(deps.random);
  const superApp = await createSuperApp(deps, 'Acme Super App');
  const workspace = await createWorkspace(deps, superApp.id, 'Acme Mini Programs');
  await createAccount(deps, { email: DEMO_EMAIL, name: 'Demo Admin', password });
  await addMember(deps, { workspaceId: workspace.id, email: DEMO_EMAIL, role: 'admin' });
  await addSuperAppAdmin(deps, { superAppId: superApp.id, email: DEMO_EMAIL });
  return { email: DEMO_EMAIL, password, superApp, workspace };
}
