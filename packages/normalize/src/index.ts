export { canonicalPhoneDigits } from './canonical-phone-digits.ts';
export type { TCommuneReference, TPopulationClass } from './commune-reference.ts';
export {
  communeReferenceVersion,
  digestCommuneReference,
  listCommuneReference,
  populationClass,
} from './commune-reference.ts';
export type { TCustomerRecord, TDroppedField, TRawCustomerRow } from './customer-row-schema.ts';
export {
  customerRowSchema,
  MAX_IDENTIFIER_LENGTH,
  ZRawCustomerRow,
} from './customer-row-schema.ts';
export type { TAddressMatchKeyInput } from './dwelling-key.ts';
export { addressMatchKey, dwellingKey, dwellingPartKey } from './dwelling-key.ts';
export type { TFieldResult } from './field-result.ts';
export { fieldError, fieldOk } from './field-result.ts';
export {
  CONTROL_CHARACTER,
  controlCharacterIssues,
  controlCharacterReason,
  findControlCharacter,
} from './find-control-character.ts';
export { foldText } from './fold-text.ts';
export type { TPostalAddressInput } from './format-postal-address.ts';
export { addressLineLength, formatPostalAddress } from './format-postal-address.ts';
export { latestAcceptedDate } from './latest-accepted-date.ts';
export type { TCivility } from './map-civility.ts';
export { mapCivility } from './map-civility.ts';
export { EMAIL_SYNTAX, normalizeEmail } from './normalize-email.ts';
export type { TPersonName } from './normalize-person-name.ts';
export { normalizePersonName } from './normalize-person-name.ts';
export type { TPhone, TPhoneType } from './normalize-phone.ts';
export { normalizePhone } from './normalize-phone.ts';
export { normalizePostcode } from './normalize-postcode.ts';
export type { TDecimalSeparator } from './parse-amount.ts';
export { parseAmount } from './parse-amount.ts';
export type { TMemberDateFormat } from './parse-member-date.ts';
export { parseMemberDate } from './parse-member-date.ts';
export { parseOptin } from './parse-optin.ts';
export type { TStreetLine } from './parse-street-line.ts';
export { parseStreetLine } from './parse-street-line.ts';
export { phoneticKey } from './phonetic-key.ts';
export { postalPlaceKey } from './postal-place-key.ts';
export type { TPostalIdentityKeys, TRepoussoirKeyKind } from './repoussoir-key.ts';
export { postalRepoussoirKey, repoussoirKey } from './repoussoir-key.ts';
export type { TCommune, TCommuneResolution, TResolveCommuneInput } from './resolve-commune.ts';
export { resolveCommune } from './resolve-commune.ts';
export { abbreviateStreetType, canonicalStreetType } from './street-types.ts';
export type { TRawTransactionRow, TTransactionRecord } from './transaction-row-schema.ts';
export { transactionRowSchema, ZRawTransactionRow } from './transaction-row-schema.ts';
export { TRIMMED_WHITESPACE } from './trimmed-whitespace.ts';
