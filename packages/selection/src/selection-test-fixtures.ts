import type { TActor } from '@alliage/control';
import type { TSelectionSettings } from './selection-settings.ts';

/** Disclosure and delivery settings of the selection tests (the platform's defaults, a 30-day differencing window). */
export const TEST_SELECTION_SETTINGS: TSelectionSettings = {
  countThreshold: 20,
  countRounding: 10,
  countDifferencingHours: 720,
  deliveryExpiryDays: 30,
  seedCount: 3,
  seedEmailDomain: 'alliage-temoins.fr',
};

/** The platform's keyed-hash secret in the selection tests (test only). */
export const TEST_HMAC_SECRET = 'test-only-hmac-secret-0123456789abcdef';

/**
 * A staff or client actor of no organisation, for tests that call the control plane directly.
 *
 * @example
 * const MARKETER = testActor('principal:marketer-test', 'client_marketer');
 */
export function testActor(ref: string, role: TActor['role']): TActor {
  return { ref, principalId: null, role, organisationId: null, organisationCode: null };
}
