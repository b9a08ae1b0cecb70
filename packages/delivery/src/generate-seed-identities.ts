import { AppError, type TChannel } from '@alliage/domain';
import {
  foldText,
  formatPostalAddress,
  parseStreetLine,
  resolveCommune,
  type TStreetLine,
} from '@alliage/normalize';
import type { TDeliveryRow } from './delivery-row.ts';
import { formatDeliveryPhone } from './format-delivery-phone.ts';
import {
  SEED_DEFAULT_COMMUNES,
  SEED_FEMALE_FIRST_NAMES,
  SEED_LAST_NAMES,
  SEED_MALE_FIRST_NAMES,
  SEED_STREET_NAMES,
  SEED_STREET_TYPES,
} from './seed-vocabulary.ts';

/**
 * A synthetic identity slipped into a delivery; `rowId` stays '' until `assignRowIds`
 * (which returns new objects: find seeds afterwards by `row.seed === true`).
 */
export type TSeedIdentity = TDeliveryRow & {
  seed: true;
  civility: 'M' | 'MME';
  firstName: string;
  lastName: string;
};

/** A real commune for seed addresses: a postcode and a city name it serves. */
export interface TSeedCommune {
  postcode: string;
  city: string;
}

/**
 * A real, monitored address (a mailbox the operator watches): postal seeds sent there
 * can be seen when they arrive, unlike generated street addresses.
 */
export interface TSeedPostalAddress {
  /** Number and street as written on line 4, e.g. '12 rue de la Paix'. */
  street: string;
  complement?: string;
  postcode: string;
  city: string;
}

export interface GenerateSeedIdentitiesOptions {
  count: number;
  /** Used only to name the delivery in errors; nothing of it appears in a seed. */
  deliveryId: string;
  random: () => number;
  channel: TChannel;
  /**
   * Communes for generated addresses; default: large towns across France. Passing the
   * communes of the delivery's own rows makes seeds blend in geographically.
   */
  communes?: readonly TSeedCommune[];
  /** Real monitored addresses for postal seeds; without them the street is generated. */
  seedPostalAddresses?: readonly TSeedPostalAddress[];
  /** Domain of seed emails; the platform must own it and read its mail. */
  seedEmailDomain?: string;
  /** E.164 prefix of seed phones; the rest of the 9 national digits is random. */
  seedPhonePrefix?: string;
  /**
   * Seed contacts other deliveries already hold (emails lower case, phones in the file's
   * form, `formatDeliveryPhone`): never drawn again, since a seed contact names one delivery.
   */
  takenContacts?: ReadonlySet<string>;
}

/**
 * Default seed email domain. Operators must own it and watch its inbox, and should
 * replace it with a neutral-looking domain of their own: a domain that names the
 * platform tells the client which rows are seeds.
 */
export const DEFAULT_SEED_EMAIL_DOMAIN = 'alliage-temoins.fr';
/**
 * Default seed phone prefix: 06 39 98, to our knowledge an ARCEP block reserved for
 * audiovisual fiction, so a seed never rings a real subscriber (a random 06 could).
 * Such numbers reach no one, so SMS and phone hits go unseen: operators who want to
 * detect them configure a prefix of numbers they own.
 */
export const DEFAULT_SEED_PHONE_PREFIX = '+3363998';

const FRENCH_E164_PREFIX = /^\+33\d{1,8}$/;
const FRENCH_E164_DIGITS = 11;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL_SUFFIX_DIGITS = 6;
const MAX_SEEDS = 100;
const MAX_ATTEMPTS_PER_SEED = 50;

/**
 * Generates `count` synthetic identities ("adresses témoins") that look like the real
 * rows of a delivery: a common French first and last name with a matching civility,
 * and the contact field of `channel` only — an NF Z10-011 address in a real commune
 * (postal), a name-based email on the seed domain (email), a phone from the seed
 * prefix (sms, phone). Seeds differ from each other in name and contact, and from the
 * contacts other deliveries hold (`takenContacts`); the control plane's unique index
 * refuses a contact two deliveries drew at the same time (the retry reads it as taken).
 *
 * @example
 * const seeds = generateSeedIdentities({ count: 3, deliveryId, random: createSecureRandom(), channel: 'email' });
 */
export function generateSeedIdentities(options: GenerateSeedIdentitiesOptions): TSeedIdentity[] {
  const { count, channel } = options;
  if (!Number.isInteger(count) || count < 0 || count > MAX_SEEDS) {
    throw new AppError('validation_failed', `seed count must be an integer from 0 to ${MAX_SEEDS}`);
  }
  const emailDomain = checkedEmailDomain(options.seedEmailDomain ?? DEFAULT_SEED_EMAIL_DOMAIN);
  const phonePrefix = checkedPhonePrefix(options.seedPhonePrefix ?? DEFAULT_SEED_PHONE_PREFIX);
  const communes =
    channel === 'postal' && options.seedPostalAddresses === undefined
      ? usableCommunes(options.communes ?? SEED_DEFAULT_COMMUNES)
      : [];
  if (channel === 'postal' && options.seedPostalAddresses?.length === 0) {
    throw new AppError('validation_failed', 'seed postal addresses: the list is empty');
  }

  const seeds: TSeedIdentity[] = [];
  const usedKeys = new Set<string>();
  while (seeds.length < count) {
    let seed: TSeedIdentity | null = null;
    for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_SEED && seed === null; attempt += 1) {
      const candidate = drawSeed({ ...options, emailDomain, phonePrefix, communes });
      const keys = uniquenessKeys(candidate);
      if (keys.some((key) => usedKeys.has(key))) continue;
      const contact = candidate.email?.toLowerCase() ?? candidate.phone;
      if (contact && options.takenContacts?.has(contact)) continue;
      for (const key of keys) usedKeys.add(key);
      seed = candidate;
    }
    if (seed === null) {
      throw new AppError(
        'validation_failed',
        `delivery ${options.deliveryId}: cannot draw ${count} distinct seeds; the seed phone prefix or address list leaves too few choices`,
      );
    }
    seeds.push(seed);
  }
  return seeds;
}

interface TDrawOptions extends GenerateSeedIdentitiesOptions {
  emailDomain: string;
  phonePrefix: string;
  communes: readonly TSeedCommune[];
}

function drawSeed(options: TDrawOptions): TSeedIdentity {
  const { random, channel } = options;
  const female = random() < 0.5;
  const firstName = pick(female ? SEED_FEMALE_FIRST_NAMES : SEED_MALE_FIRST_NAMES, random);
  const lastName = pick(SEED_LAST_NAMES, random);
  const civility = female ? 'MME' : 'M';
  const seed: TSeedIdentity = {
    seed: true,
    rowId: '',
    civility,
    firstName,
    lastName,
    addressLines: [],
    postcode: null,
    city: null,
    email: null,
    phone: null,
  };
  if (channel === 'postal') {
    const address = drawAddress(options);
    const lines = formatPostalAddress({ civility, firstName, lastName, ...address });
    return {
      ...seed,
      addressLines: lines,
      postcode: address.postcode,
      city: foldText(address.city),
    };
  }
  if (channel === 'email') {
    return { ...seed, email: drawEmail(firstName, lastName, options.emailDomain, random) };
  }
  return { ...seed, phone: formatDeliveryPhone(drawPhone(options.phonePrefix, random)) };
}

function drawAddress(options: TDrawOptions): {
  complement: string | null;
  building: string | null;
  street: TStreetLine | null;
  locality: null;
  postcode: string;
  city: string;
} {
  const { random } = options;
  if (options.seedPostalAddresses !== undefined) {
    const monitored = pick(options.seedPostalAddresses, random);
    return {
      complement: monitored.complement ?? null,
      building: null,
      street: parseStreetLine(monitored.street),
      locality: null,
      postcode: monitored.postcode,
      city: monitored.city,
    };
  }
  const commune = pick(options.communes, random);
  const houseNumber = 1 + Math.floor(random() ** 2 * 120);
  const streetLine = `${houseNumber} ${pickWeighted(SEED_STREET_TYPES, random)} ${pick(SEED_STREET_NAMES, random)}`;
  // About one address in four carries a flat or building, as real files do.
  const detail = random();
  return {
    complement: detail < 0.15 ? `APPARTEMENT ${1 + Math.floor(random() * 60)}` : null,
    building:
      detail >= 0.15 && detail < 0.25 ? `BATIMENT ${pick(['A', 'B', 'C', 'D'], random)}` : null,
    street: parseStreetLine(streetLine),
    locality: null,
    postcode: commune.postcode,
    city: commune.city,
  };
}

function drawEmail(
  firstName: string,
  lastName: string,
  domain: string,
  random: () => number,
): string {
  const local = (name: string): string =>
    foldText(name)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '');
  const suffix = String(Math.floor(random() * 10 ** EMAIL_SUFFIX_DIGITS)).padStart(
    EMAIL_SUFFIX_DIGITS,
    '0',
  );
  const separator = pick(['.', '', '_'], random);
  return `${local(firstName)}${separator}${local(lastName)}${suffix}@${domain}`;
}

function drawPhone(prefix: string, random: () => number): string {
  let phone = prefix;
  while (phone.length - 1 < FRENCH_E164_DIGITS) phone += String(Math.floor(random() * 10));
  return phone;
}

/** What must differ between two seeds of one delivery for a hit to name exactly one. */
function uniquenessKeys(seed: TSeedIdentity): string[] {
  const keys = [`name:${seed.firstName}|${seed.lastName}`];
  if (seed.email !== null) keys.push(`email:${seed.email}`);
  if (seed.phone !== null) keys.push(`phone:${seed.phone}`);
  return keys;
}

/**
 * The communes of a delivery's own rows (distinct postcode and city pairs that match a
 * real commune), for its postal seeds to sit where its real rows do: seeds in large
 * towns only, in a delivery to one département, stand out.
 *
 * @example
 * seedCommunesOf([{ postcode: '42000', city: 'ST ETIENNE', … }]) // [{ postcode: '42000', city: 'ST ETIENNE' }]
 */
export function seedCommunesOf(
  rows: readonly Pick<TDeliveryRow, 'postcode' | 'city'>[],
): TSeedCommune[] {
  const communes = new Map<string, TSeedCommune>();
  for (const { postcode, city } of rows) {
    if (!postcode || !city) continue;
    const key = `${postcode}|${city}`;
    if (!communes.has(key)) communes.set(key, { postcode, city });
  }
  return [...communes.values()].filter((commune) => resolveCommune(commune).status === 'matched');
}

function usableCommunes(communes: readonly TSeedCommune[]): TSeedCommune[] {
  const usable = communes.filter(
    (commune) =>
      resolveCommune({ postcode: commune.postcode, city: commune.city }).status === 'matched',
  );
  if (usable.length === 0) {
    throw new AppError(
      'validation_failed',
      'seed communes: none is a known postcode and city pair',
    );
  }
  return usable;
}

function checkedEmailDomain(domain: string): string {
  const normalized = domain.trim().toLowerCase();
  if (!DOMAIN.test(normalized)) {
    throw new AppError('validation_failed', 'seed email domain is not a valid domain name');
  }
  return normalized;
}

function checkedPhonePrefix(prefix: string): string {
  if (!FRENCH_E164_PREFIX.test(prefix)) {
    throw new AppError(
      'validation_failed',
      'seed phone prefix must be a French E.164 prefix such as +3363998 leaving at least one digit',
    );
  }
  return prefix;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function pickWeighted(items: readonly (readonly [string, number])[], random: () => number): string {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let draw = random() * total;
  for (const [item, weight] of items) {
    draw -= weight;
    if (draw < 0) return item;
  }
  return items[items.length - 1]![0];
}
