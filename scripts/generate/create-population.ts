import { dayFromParts } from './calendar-day.ts';
import type { TRandom } from './create-random.ts';
import { createSeenFilter } from './create-seen-filter.ts';
import { createWeightedPicker, zipfWeights } from './create-weighted-picker.ts';
import {
  BUILDING_NAMES,
  COMPLEMENT_PATTERNS,
  EMAIL_DOMAINS,
  LIEUX_DITS,
  STREET_NAMES,
  STREET_TYPES,
  type TStreetType,
} from './french-addresses.ts';
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, SURNAMES } from './french-names.ts';
import { loadCommunes, type TCommune } from './load-communes.ts';
import { emailSlug } from './text-variants.ts';

export const HARD_CASE_KINDS = ['twin', 'father_son', 'namesake', 'couple_shared_email'] as const;
export type THardCaseKind = (typeof HARD_CASE_KINDS)[number];

/** A dwelling: the true postal address of a household (NF Z10-011 lines 2–6). */
export interface TDwelling {
  commune: TCommune;
  houseNumber: number | null;
  numberSuffix: '' | 'BIS' | 'TER' | 'A' | 'B';
  streetType: TStreetType;
  streetName: string;
  complement: string;
  building: string;
  locality: string;
}

/** The true identity of one synthetic human. */
export interface TPerson {
  personKey: string;
  householdKey: string;
  sex: 'F' | 'M';
  firstName: string;
  lastName: string;
  birthDay: number;
  email: string | null;
  /** National 10-digit numbers. */
  mobile: string | null;
  landline: string | null;
  dwelling: TDwelling;
  /** Set by the caller for people who moved: where some members still know them. */
  previousDwelling: TDwelling | null;
  hardCase: THardCaseKind | null;
}

/** Persons created together; a hard case names the two persons a naive matcher would merge. */
export interface TPopulationGroup {
  households: number;
  persons: TPerson[];
  hardCase: { kind: THardCaseKind; personA: TPerson; personB: TPerson } | null;
}

export interface TPopulation {
  nextGroup(): TPopulationGroup;
  /** A new dwelling for someone leaving `dwelling`: same town more often than not. */
  dwellingAfterMove(dwelling: TDwelling): TDwelling;
  readonly personCount: number;
  readonly householdCount: number;
}

/** Share of groups that are each hard-case kind (a group holds ~2.3 persons). */
const HARD_CASE_RATE = 0.008;
/** Group indexes where a still-missing kind is forced, so small pools have every kind. */
const FORCED_AT: Record<THardCaseKind, number> = {
  twin: 2,
  father_son: 4,
  namesake: 6,
  couple_shared_email: 8,
};
const LAST_BIRTH_YEAR = 2008;
const FIRST_BIRTH_YEAR = 1930;

/**
 * Creates the synthetic population: households of 1–5 persons at real communes,
 * with French names (Zipf-like), unique e-mails and phones, and the hard cases
 * (twins, father and son, namesakes, couples sharing an e-mail) at ~0.8% of groups each.
 *
 * @example
 * const population = createPopulation({ random, asOfYear: 2026 }); const group = population.nextGroup();
 */
export function createPopulation(options: { random: TRandom; asOfYear: number }): TPopulation {
  const { random, asOfYear } = options;
  const communes = loadCommunes();
  const femaleNames = createWeightedPicker(
    FEMALE_FIRST_NAMES,
    zipfWeights(FEMALE_FIRST_NAMES.length, 0.75),
  );
  const maleNames = createWeightedPicker(
    MALE_FIRST_NAMES,
    zipfWeights(MALE_FIRST_NAMES.length, 0.75),
  );
  const surnames = createWeightedPicker(SURNAMES, zipfWeights(SURNAMES.length, 0.6));
  const streetTypes = createWeightedPicker(
    STREET_TYPES,
    STREET_TYPES.map((type) => type.weight),
  );
  const streetNames = createWeightedPicker(STREET_NAMES, zipfWeights(STREET_NAMES.length, 0.5));
  const emailDomains = createWeightedPicker(
    EMAIL_DOMAINS.map(([domain]) => domain),
    EMAIL_DOMAINS.map(([, weight]) => weight),
  );
  const householdSizes = createWeightedPicker([1, 2, 3, 4, 5], [36, 33, 14, 11, 6]);
  // E-mails and phone numbers already given out: strangers never share one.
  const usedEmails = createSeenFilter(27);
  const usedPhones = createSeenFilter(27);
  const produced: Record<THardCaseKind, number> = {
    twin: 0,
    father_son: 0,
    namesake: 0,
    couple_shared_email: 0,
  };
  let groupIndex = 0;
  let personCount = 0;
  let householdCount = 0;

  const firstNameFor = (sex: 'F' | 'M'): string =>
    (sex === 'F' ? femaleNames : maleNames).pick(random);
  const randomSex = (): 'F' | 'M' => (random.chance(0.52) ? 'F' : 'M');
  const birthDayIn = (fromYear: number, toYear: number): number => {
    const low = Math.min(LAST_BIRTH_YEAR, Math.max(FIRST_BIRTH_YEAR, fromYear));
    const high = Math.max(low, Math.min(LAST_BIRTH_YEAR, toYear));
    const year = random.int(low, high);
    return dayFromParts(year, 1, 1) + random.int(0, 364);
  };
  const yearOf = (dayNumber: number): number => new Date(dayNumber * 86_400_000).getUTCFullYear();

  const makeDwelling = (commune: TCommune = communes.pick(random)): TDwelling => {
    const urban = commune.population > 30_000;
    const apartment = random.chance(urban ? 0.6 : commune.population > 5_000 ? 0.3 : 0.08);
    const locality =
      commune.population < 3_000 && random.chance(0.25) ? random.pick(LIEUX_DITS) : '';
    const suffixDraw = random.next();
    const pattern = random.pick(COMPLEMENT_PATTERNS);
    return {
      commune,
      houseNumber:
        locality && random.chance(0.3) ? null : 1 + Math.floor(180 * random.next() ** 2.2),
      numberSuffix:
        suffixDraw < 0.03
          ? 'BIS'
          : suffixDraw < 0.037
            ? 'TER'
            : suffixDraw < 0.045
              ? 'A'
              : suffixDraw < 0.052
                ? 'B'
                : '',
      streetType: streetTypes.pick(random),
      streetName: streetNames.pick(random),
      complement:
        apartment && random.chance(0.7)
          ? pattern.replace(
              '#',
              String(pattern.startsWith('#') ? random.int(2, 12) : random.int(1, 120)),
            )
          : '',
      building: apartment && random.chance(0.5) ? random.pick(BUILDING_NAMES) : '',
      locality,
    };
  };

  const uniqueEmail = (localPart: string): string => {
    const domain = emailDomains.pick(random);
    let candidate = `${localPart}@${domain}`;
    for (let attempt = 0; usedEmails.has(hashText(candidate)); attempt += 1) {
      const digits = attempt < 5 ? random.int(1, 99 * (attempt + 1)) : personCount + attempt;
      candidate = `${localPart}${digits}@${attempt < 3 ? domain : emailDomains.pick(random)}`;
    }
    usedEmails.add(hashText(candidate));
    return candidate;
  };

  const personalEmail = (firstName: string, lastName: string, birthDay: number): string => {
    const first = emailSlug(random.chance(0.5) ? firstName : firstName.replaceAll('-', ''));
    const last = emailSlug(lastName).replaceAll('-', '');
    const year = String(yearOf(birthDay));
    const shape = random.int(0, 9);
    const localPart = [
      `${first}.${last}`,
      `${first}.${last}`,
      `${first}${last}`,
      `${first.charAt(0)}${last}`,
      `${first}.${last}${year.slice(2)}`,
      `${last}.${first}`,
      `${first}_${last}`,
      `${first}${last}${random.int(1, 99)}`,
      `${last}${first.charAt(0)}`,
      `${first}${year}`,
    ][shape] as string;
    return uniqueEmail(localPart);
  };

  const uniquePhone = (prefix: string): string => {
    for (;;) {
      let digits = prefix;
      while (digits.length < 10) digits += String(random.int(0, 9));
      const key = Number(digits);
      if (!usedPhones.has(key)) {
        usedPhones.add(key);
        return digits;
      }
    }
  };

  const mobileFor = (commune: TCommune): string => {
    const overseas = OVERSEAS_MOBILE_PREFIXES[commune.departement];
    return uniquePhone(overseas ? random.pick(overseas) : random.chance(0.75) ? '06' : '07');
  };

  const landlineFor = (commune: TCommune): string => {
    const overseas = OVERSEAS_LANDLINE_PREFIXES[commune.departement];
    if (overseas) return uniquePhone(overseas);
    return uniquePhone(
      random.chance(0.2) ? '09' : (LANDLINE_PREFIX_BY_REGION[commune.region] ?? '05'),
    );
  };

  const makePerson = (fields: {
    householdKey: string;
    dwelling: TDwelling;
    sex: 'F' | 'M';
    firstName?: string;
    lastName: string;
    birthDay: number;
    landline: string | null;
  }): TPerson => {
    personCount += 1;
    const firstName = fields.firstName ?? firstNameFor(fields.sex);
    const age = asOfYear - yearOf(fields.birthDay);
    return {
      personKey: `P${String(personCount).padStart(7, '0')}`,
      householdKey: fields.householdKey,
      sex: fields.sex,
      firstName,
      lastName: fields.lastName,
      birthDay: fields.birthDay,
      email: random.chance(age < 60 ? 0.88 : 0.65)
        ? personalEmail(firstName, fields.lastName, fields.birthDay)
        : null,
      mobile: random.chance(age < 70 ? 0.9 : 0.6) ? mobileFor(fields.dwelling.commune) : null,
      landline: fields.landline,
      dwelling: fields.dwelling,
      previousDwelling: null,
      hardCase: null,
    };
  };

  interface THouseholdPlan {
    size: number;
    twins?: boolean;
    fatherAndSon?: boolean;
    couple?: boolean;
    anchor?: { sex: 'F' | 'M'; firstName: string; lastName: string };
    commune?: TCommune;
  }

  interface THousehold {
    persons: TPerson[];
    /** The twins, or the father and his namesake son, when the plan asked for them. */
    pair: [TPerson, TPerson] | null;
  }

  /** Builds one household: an anchor adult, maybe a partner, then children. */
  const makeHousehold = (plan: THouseholdPlan): THousehold => {
    householdCount += 1;
    const householdKey = `H${String(householdCount).padStart(7, '0')}`;
    const dwelling = makeDwelling(plan.commune);
    const landline = random.chance(0.4) ? landlineFor(dwelling.commune) : null;
    const special = plan.twins ? 2 : plan.fatherAndSon ? 1 : 0;
    const partnerPresent = plan.couple
      ? true
      : plan.size - 1 - special <= 0
        ? false
        : random.chance(plan.size === 2 ? 0.85 : 0.8);
    const childCount = plan.size - 1 - (partnerPresent ? 1 : 0) - special;
    const withChildren = special > 0 || childCount > 0;
    const flatmates = partnerPresent && !withChildren && !plan.couple && random.chance(0.08);
    const anchorSex = plan.anchor?.sex ?? (plan.fatherAndSon ? 'M' : randomSex());
    const anchorSurname = plan.anchor?.lastName ?? surnames.pick(random);
    const anchorBirth = plan.fatherAndSon
      ? birthDayIn(1945, 1975)
      : withChildren
        ? birthDayIn(1945, 1985)
        : plan.size === 1
          ? birthDayIn(1932, 2004)
          : birthDayIn(1938, 2000);
    const parentYear = yearOf(anchorBirth);
    const childBirth = (): number =>
      birthDayIn(parentYear + 22, Math.min(parentYear + 40, LAST_BIRTH_YEAR));
    const member = (
      sex: 'F' | 'M',
      birthDay: number,
      firstName?: string,
      lastName = anchorSurname,
    ) => makePerson({ householdKey, dwelling, sex, firstName, lastName, birthDay, landline });

    const anchor = member(anchorSex, anchorBirth, plan.anchor?.firstName);
    const persons: TPerson[] = [anchor];
    if (partnerPresent) {
      const partnerSex = flatmates
        ? randomSex()
        : random.chance(0.93)
          ? anchorSex === 'F'
            ? 'M'
            : 'F'
          : anchorSex;
      let partnerFirstName = firstNameFor(partnerSex);
      while (partnerFirstName === anchor.firstName) partnerFirstName = firstNameFor(partnerSex);
      const partnerYear = parentYear + random.int(-4, 6);
      const partnerSurname =
        flatmates || random.chance(0.25) ? surnames.pick(random) : anchorSurname;
      persons.push(
        member(partnerSex, birthDayIn(partnerYear, partnerYear), partnerFirstName, partnerSurname),
      );
    }
    let pair: [TPerson, TPerson] | null = null;
    if (plan.fatherAndSon) {
      const sonYear = random.int(parentYear + 20, Math.min(parentYear + 38, LAST_BIRTH_YEAR));
      const son = member('M', birthDayIn(sonYear, sonYear), anchor.firstName);
      persons.push(son);
      pair = [anchor, son];
    }
    if (plan.twins) {
      const twinsBirth = childBirth();
      const firstTwin = member(randomSex(), twinsBirth);
      const secondSex = randomSex();
      let secondName = firstNameFor(secondSex);
      while (secondName === firstTwin.firstName) secondName = firstNameFor(secondSex);
      const secondTwin = member(secondSex, twinsBirth, secondName);
      persons.push(firstTwin, secondTwin);
      pair = [firstTwin, secondTwin];
    }
    for (let child = 0; child < childCount; child += 1)
      persons.push(member(randomSex(), childBirth()));
    return { persons, pair };
  };

  const pickHardCase = (): THardCaseKind | null => {
    for (const kind of HARD_CASE_KINDS) {
      if (produced[kind] === 0 && groupIndex === FORCED_AT[kind]) return kind;
    }
    const draw = random.next();
    const index = Math.floor(draw / HARD_CASE_RATE);
    return index < HARD_CASE_KINDS.length ? (HARD_CASE_KINDS[index] as THardCaseKind) : null;
  };

  const markPair = (kind: THardCaseKind, personA: TPerson, personB: TPerson) => {
    personA.hardCase = kind;
    personB.hardCase = kind;
    produced[kind] += 1;
    return { kind, personA, personB };
  };

  return {
    get personCount() {
      return personCount;
    },
    get householdCount() {
      return householdCount;
    },
    dwellingAfterMove: (dwelling) =>
      makeDwelling(random.chance(0.6) ? dwelling.commune : undefined),
    nextGroup() {
      const kind = pickHardCase();
      groupIndex += 1;
      if (kind === 'twin' || kind === 'father_son') {
        const household =
          kind === 'twin'
            ? makeHousehold({ size: random.int(3, 5), twins: true })
            : makeHousehold({ size: random.int(2, 4), fatherAndSon: true });
        const [personA, personB] = household.pair as [TPerson, TPerson];
        return {
          households: 1,
          persons: household.persons,
          hardCase: markPair(kind, personA, personB),
        };
      }
      if (kind === 'couple_shared_email') {
        const { persons } = makeHousehold({ size: random.int(2, 4), couple: true });
        const [personA, personB] = persons as [TPerson, TPerson];
        const shared =
          random.chance(0.4) && personA.email
            ? personA.email
            : uniqueEmail(coupleLocalPart(random, personA, personB));
        personA.email = shared;
        personB.email = shared;
        return { households: 1, persons, hardCase: markPair(kind, personA, personB) };
      }
      if (kind === 'namesake') {
        const first = makeHousehold({ size: householdSizes.pick(random) }).persons;
        const personA = first[0] as TPerson;
        let commune = communes.pick(random);
        while (commune.name === personA.dwelling.commune.name) commune = communes.pick(random);
        const second = makeHousehold({
          size: householdSizes.pick(random),
          commune,
          anchor: { sex: personA.sex, firstName: personA.firstName, lastName: personA.lastName },
        }).persons;
        const personB = second[0] as TPerson;
        if (Math.abs(personB.birthDay - personA.birthDay) < 365) {
          const year = yearOf(personA.birthDay);
          personB.birthDay =
            year > 1970 ? birthDayIn(year - 12, year - 3) : birthDayIn(year + 3, year + 12);
        }
        return {
          households: 2,
          persons: [...first, ...second],
          hardCase: markPair(kind, personA, personB),
        };
      }
      const { persons } = makeHousehold({ size: householdSizes.pick(random) });
      return { households: 1, persons, hardCase: null };
    },
  };
}

function coupleLocalPart(random: TRandom, personA: TPerson, personB: TPerson): string {
  const firstA = emailSlug(personA.firstName).replaceAll('-', '');
  const firstB = emailSlug(personB.firstName).replaceAll('-', '');
  const last = emailSlug(personA.lastName).replaceAll('-', '');
  return [
    `${firstA}.${firstB}.${last}`,
    `famille.${last}`,
    `${last}.${firstA.charAt(0)}${firstB.charAt(0)}`,
    `${firstA}et${firstB}`,
  ][random.int(0, 3)] as string;
}

/** FNV-1a 32-bit: a compact key for the set of given-out e-mails. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const LANDLINE_PREFIX_BY_REGION: Record<string, string> = {
  '11': '01',
  '24': '02',
  '28': '02',
  '52': '02',
  '53': '02',
  '27': '03',
  '32': '03',
  '44': '03',
  '84': '04',
  '93': '04',
  '94': '04',
  '76': '05',
  '75': '05',
};

const OVERSEAS_LANDLINE_PREFIXES: Record<string, string> = {
  '971': '0590',
  '972': '0596',
  '973': '0594',
  '974': '0262',
  '976': '0269',
};

const OVERSEAS_MOBILE_PREFIXES: Record<string, readonly string[]> = {
  '971': ['0690', '0691'],
  '972': ['0696', '0697'],
  '973': ['0694'],
  '974': ['0692', '0693'],
  '976': ['0639'],
};
