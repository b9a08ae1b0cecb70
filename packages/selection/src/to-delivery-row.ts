import { formatDeliveryPhone, type TDeliveryRow } from '@alliage/delivery';
import type { TChannel } from '@alliage/domain';
import { foldText, formatPostalAddress } from '@alliage/normalize';
import type { TExtractedPerson } from '@alliage/warehouse';

/**
 * One delivered person as a file row (row ID assigned later): names from the
 * permitting record, and only the ordered channel's contact field — the
 * NF Z10-011 address block for postal, the email, or the phone.
 *
 * @example
 * toDeliveryRow(person, 'email') // { rowId: '', civility: 'MME', …, email: 'x@example.test', phone: null }
 */
export function toDeliveryRow(person: TExtractedPerson, channel: TChannel): TDeliveryRow {
  const civility = person.civility === 'M' || person.civility === 'MME' ? person.civility : null;
  return {
    rowId: '',
    civility,
    firstName: person.firstName,
    lastName: person.lastName,
    addressLines:
      channel === 'postal'
        ? formatPostalAddress({
            civility,
            firstName: person.firstName,
            lastName: person.lastName,
            complement: person.complement,
            building: person.building,
            street: person.street,
            locality: person.locality,
            postcode: person.postcode,
            city: person.city,
          })
        : [],
    postcode: channel === 'postal' ? person.postcode : null,
    // As on the address block's last line (upper case, unaccented), as the seeds write it:
    // the member's own spelling ("Saint-Étienne") would set real rows apart from seeds.
    city: channel === 'postal' && person.city !== null ? foldText(person.city) : null,
    email: channel === 'email' ? person.email : null,
    phone:
      (channel === 'sms' || channel === 'phone') && person.phone
        ? formatDeliveryPhone(person.phone)
        : null,
  };
}
