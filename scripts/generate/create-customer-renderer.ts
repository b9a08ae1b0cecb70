import { createDayFormatter } from './calendar-day.ts';
import type { TDwelling, TPerson } from './create-population.ts';
import type { TRandom } from './create-random.ts';
import { createWeightedPicker } from './create-weighted-picker.ts';
import { formatPhone } from './format-phone.ts';
import { STREET_WORD_ABBREVIATIONS } from './french-addresses.ts';
import type { TMemberProfile, TPhoneFormat } from './member-profiles.ts';
import {
  applyCase,
  firstNameVariant,
  foldAccents,
  introduceTypo,
  surnameVariant,
  type TCaseStyle,
} from './text-variants.ts';

export interface TRenderCustomerInput {
  person: TPerson;
  /** Where this member knows the person: the household's dwelling or, after a move, the old one. */
  dwelling: TDwelling;
  customerId: string;
  createdDay: number;
  /** Keep the e-mail (or the mobile) that links a moved person's records across members. */
  keepContact: boolean;
  /** Write an impossible birth date so that intake rejects the row. */
  badRow: boolean;
}

/** One customer row in canonical column order, with the truth tags its noise earned. */
export interface TRenderedCustomer {
  fields: string[];
  tags: string[];
}

/** Share of records with a one-character typo in the first or last name. */
const TYPO_SHARE = 0.03;
const MISSING_FIRST_NAME_SHARE = 0.005;
const INITIAL_ONLY_SHARE = 0.005;
// Of records with an e-mail (or a phone): about 0.5% of all records each.
const INVALID_EMAIL_SHARE = 0.0065;
const INVALID_PHONE_SHARE = 0.0055;
const CEDEX_SHARE = 0.003;

/**
 * Creates the renderer of one member: it writes a person as that member's
 * customer row, with the member's habits (case, accents, abbreviations, phone
 * formats, civilities, missing fields) and realistic per-record noise.
 *
 * @example
 * const render = createCustomerRenderer({ profile: memberProfile(0), random });
 * render({ person, dwelling: person.dwelling, customerId: 'C000001', createdDay, keepContact: false, badRow: false });
 */
export function createCustomerRenderer(options: {
  profile: TMemberProfile;
  random: TRandom;
}): (input: TRenderCustomerInput) => TRenderedCustomer {
  const { profile, random } = options;
  const { style } = profile;
  const formatDay = createDayFormatter(profile.dialect.dateFormat ?? 'YYYY-MM-DD');
  const phoneFormats = createWeightedPicker(
    Object.keys(style.phoneFormats) as TPhoneFormat[],
    Object.values(style.phoneFormats),
  );
  const delimiter = profile.dialect.delimiter ?? ',';

  let quotedComplementWritten = false;
  let multilineComplementWritten = false;

  const caseStyle = (): TCaseStyle => {
    const draw = random.next();
    return draw < style.upperCaseShare
      ? 'upper'
      : draw < style.upperCaseShare + style.lowerCaseShare
        ? 'lower'
        : 'title';
  };

  return (input) => {
    const { person, dwelling } = input;
    const tags: string[] = [];
    const identityCase = caseStyle();
    const addressCase = random.chance(0.75) ? identityCase : caseStyle();
    const dropAccents = random.chance(style.dropAccentsShare);
    const text = (value: string, textCase: TCaseStyle): string =>
      applyCase(dropAccents ? foldAccents(value) : value, textCase);

    let firstName = random.chance(0.15)
      ? firstNameVariant(random, person.firstName)
      : person.firstName;
    let lastName = random.chance(0.2) ? surnameVariant(random, person.lastName) : person.lastName;
    if (random.chance(TYPO_SHARE)) {
      if (random.chance(0.5)) firstName = introduceTypo(random, firstName);
      else lastName = introduceTypo(random, lastName);
    }
    if (!person.hardCase) {
      const draw = random.next();
      if (draw < MISSING_FIRST_NAME_SHARE) firstName = '';
      else if (draw < MISSING_FIRST_NAME_SHARE + INITIAL_ONLY_SHARE)
        firstName = random.chance(0.5) ? firstName.charAt(0) : `${firstName.charAt(0)}.`;
    }

    const civilities = person.sex === 'F' ? style.femaleCivilities : style.maleCivilities;
    const civility = random.chance(0.03) ? '' : random.pick(civilities);

    let complement = random.chance(0.1) ? '' : text(dwelling.complement, addressCase);
    let building = random.chance(0.1) ? '' : text(dwelling.building, addressCase);
    // The first eligible record gets each quirk, so even a small file exercises it.
    if (
      complement &&
      style.quotedComplementShare > 0 &&
      (!quotedComplementWritten || random.chance(style.quotedComplementShare))
    ) {
      complement = `${complement}${delimiter} ${building || text('Esc B', addressCase)}`;
      building = '';
      quotedComplementWritten = true;
    } else if (
      complement &&
      style.multilineComplementShare > 0 &&
      (!multilineComplementWritten || random.chance(style.multilineComplementShare))
    ) {
      complement = `${complement}\n${building || text('Esc C', addressCase)}`;
      building = '';
      multilineComplementWritten = true;
    }

    let postcode = dwelling.commune.postcode;
    if (postcode.startsWith('0') && random.chance(style.postcodeZeroDropShare))
      postcode = postcode.slice(1);

    let email = person.email ?? '';
    if (email && !input.keepContact && random.chance(style.missingEmailShare)) email = '';
    if (email) email = emailNoise(random, email);
    if (email && !input.keepContact && random.chance(INVALID_EMAIL_SHARE)) {
      email = corruptEmail(random, email);
      tags.push('invalid_email');
    }
    const keepMobile = input.keepContact && !person.email;
    let mobile =
      person.mobile && (keepMobile || !random.chance(style.missingMobileShare))
        ? formatPhone(person.mobile, phoneFormats.pick(random))
        : '';
    let landline =
      person.landline && random.chance(style.landlineShare)
        ? formatPhone(person.landline, phoneFormats.pick(random))
        : '';
    if ((mobile || landline) && !keepMobile && random.chance(INVALID_PHONE_SHARE)) {
      if (mobile) mobile = corruptPhone(random, mobile);
      else landline = corruptPhone(random, landline);
      tags.push('invalid_phone');
    }

    let birthDate =
      person.hardCase || !random.chance(style.missingBirthDateShare)
        ? formatDay(person.birthDay)
        : '';
    if (input.badRow) {
      birthDate = impossibleDate(
        random,
        profile.dialect.dateFormat ?? 'YYYY-MM-DD',
        person.birthDay,
      );
      tags.push('bad_row');
    }

    const yes = profile.optinYes;
    const no = profile.optinNo;
    return {
      tags,
      fields: [
        input.customerId,
        civility,
        text(firstName, identityCase),
        text(lastName, identityCase),
        complement,
        building,
        text(streetLine(random, dwelling, style, addressCase), addressCase),
        random.chance(0.15) ? '' : text(dwelling.locality, addressCase),
        postcode,
        cityLine(random, dwelling, style.postalCityShare, addressCase, dropAccents),
        'FR',
        email,
        mobile,
        landline,
        birthDate,
        email && random.chance(0.55) ? yes : no,
        mobile && random.chance(0.4) ? yes : no,
        (mobile || landline) && random.chance(0.25) ? yes : no,
        formatDay(input.createdDay),
      ],
    };
  };
}

function streetLine(
  random: TRandom,
  dwelling: TDwelling,
  style: TMemberProfile['style'],
  addressCase: TCaseStyle,
): string {
  const type = dwelling.streetType;
  let typeText =
    random.chance(style.abbreviateStreetTypeShare) && (type.full !== 'Rue' || random.chance(0.2))
      ? type.abbreviation
      : type.full;
  if (
    addressCase === 'title' &&
    typeText === type.full &&
    random.chance(style.lowerStreetTypeShare)
  )
    typeText = typeText.toLowerCase();
  let name = dwelling.streetName;
  if (random.chance(0.15)) {
    for (const [word, abbreviation] of STREET_WORD_ABBREVIATIONS)
      name = name.replace(word, abbreviation);
  }
  let numberText = '';
  if (dwelling.houseNumber !== null) {
    numberText = String(dwelling.houseNumber);
    if (dwelling.numberSuffix === 'BIS') numberText += random.pick([' bis', ' BIS', 'bis', ' B']);
    else if (dwelling.numberSuffix === 'TER') numberText += random.pick([' ter', ' TER', 'ter']);
    else if (dwelling.numberSuffix) numberText += random.pick(['', ' ']) + dwelling.numberSuffix;
    if (random.chance(0.05)) numberText += ',';
  }
  return numberText ? `${numberText} ${typeText} ${name}` : `${typeText} ${name}`;
}

function cityLine(
  random: TRandom,
  dwelling: TDwelling,
  postalCityShare: number,
  addressCase: TCaseStyle,
  dropAccents: boolean,
): string {
  const { commune } = dwelling;
  let city = commune.name;
  if (commune.arrondissement !== null && random.chance(0.3)) {
    const ordinal = commune.arrondissement === 1 ? 'er' : 'e';
    city = `${city} ${commune.arrondissement}${random.chance(0.5) ? ordinal : ''}`;
  }
  if (random.chance(postalCityShare)) {
    city = foldAccents(city)
      .toUpperCase()
      .replace(/\bSAINT(E?)-/g, 'ST$1 ')
      .replaceAll('-', ' ')
      .replaceAll("'", ' ');
  } else {
    if (random.chance(0.05)) city = city.replace(/\bSaint(e?)-/, 'St$1-');
    city = applyCase(dropAccents ? foldAccents(city) : city, addressCase);
  }
  // CEDEX is a business-mail distribution: on a home address, only in towns and rarely.
  if (commune.population > 10_000 && random.chance(CEDEX_SHARE))
    city += random.chance(0.3) ? ` CEDEX ${random.int(1, 9)}` : ' CEDEX';
  return city;
}

function emailNoise(random: TRandom, email: string): string {
  const draw = random.next();
  if (draw < 0.015) return email.toUpperCase();
  if (draw < 0.025) return email.charAt(0).toUpperCase() + email.slice(1);
  if (draw < 0.035) return ` ${email} `;
  if (draw < 0.04) return `${email} `;
  return email;
}

function corruptEmail(random: TRandom, email: string): string {
  const trimmed = email.trim();
  const at = trimmed.indexOf('@');
  switch (random.int(0, 3)) {
    case 0:
      return trimmed.replace('@', '');
    case 1:
      return trimmed.slice(0, trimmed.lastIndexOf('.'));
    case 2:
      return trimmed.replace('@', '@@');
    default:
      return `${trimmed.slice(0, Math.max(1, at - 2))} ${trimmed.slice(Math.max(1, at - 2))}`;
  }
}

function corruptPhone(random: TRandom, phone: string): string {
  switch (random.int(0, 2)) {
    case 0:
      return phone.slice(0, -2).trimEnd();
    case 1:
      return `${phone}4`;
    default:
      return phone.includes('0') ? phone.replace('0', 'O') : phone.slice(0, -2);
  }
}

function impossibleDate(random: TRandom, dateFormat: string, birthDay: number): string {
  const year = new Date(birthDay * 86_400_000).getUTCFullYear();
  const [day, month] = random.pick([
    ['31', '02'],
    ['30', '02'],
    ['31', '04'],
    ['15', '13'],
  ] as const);
  return dateFormat === 'YYYY-MM-DD' ? `${year}-${month}-${day}` : `${day}/${month}/${year}`;
}
