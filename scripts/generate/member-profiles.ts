import { CUSTOMER_COLUMNS, type TDialectProfileInput, TRANSACTION_COLUMNS } from '@alliage/domain';

export type TPhoneFormat =
  | 'spaced'
  | 'compact'
  | 'international_spaced'
  | 'dotted'
  | 'international_compact'
  | 'international_00'
  | 'dashed';

/** How a member's system and staff tend to write things (shares of records). */
export interface TMemberStyle {
  upperCaseShare: number;
  lowerCaseShare: number;
  dropAccentsShare: number;
  abbreviateStreetTypeShare: number;
  /** `12 rue Victor Hugo` rather than `12 Rue Victor Hugo`, in title-case records. */
  lowerStreetTypeShare: number;
  /** `ST ETIENNE` style (La Poste): upper case, no accents, no hyphens, `ST`. */
  postalCityShare: number;
  phoneFormats: Readonly<Record<TPhoneFormat, number>>;
  maleCivilities: readonly string[];
  femaleCivilities: readonly string[];
  missingEmailShare: number;
  missingMobileShare: number;
  /** Share of the household landline that the member knows. */
  landlineShare: number;
  missingBirthDateShare: number;
  postcodeZeroDropShare: number;
  /** Complements holding the delimiter, or a line break, inside quotes. */
  quotedComplementShare: number;
  multilineComplementShare: number;
}

/** One member's export: dialect, file layout, sector vocabulary and habits. */
export interface TMemberProfile {
  code: string;
  dialect: TDialectProfileInput;
  lineEnding: '\n' | '\r\n';
  byteOrderMark: boolean;
  /** File header of the customers file, and the canonical column of each. */
  customerHeader: readonly string[];
  customerColumnIndexes: readonly number[];
  transactionHeader: readonly string[];
  transactionColumnIndexes: readonly number[];
  optinYes: string;
  optinNo: string;
  categories: readonly (readonly [string, number])[];
  channels: readonly (readonly [string, number])[];
  /** Median basket in euros. */
  medianAmount: number;
  /** How likely a person is to be a customer of this member, relative to the others. */
  weight: number;
  style: TMemberStyle;
}

const FRENCH_CUSTOMER_HEADERS: Record<string, (typeof CUSTOMER_COLUMNS)[number]> = {
  NUMCLIENT: 'customer_id',
  CIVILITE: 'civility',
  PRENOM: 'first_name',
  NOM: 'last_name',
  COMPLEMENT: 'address_complement',
  BATIMENT: 'address_building',
  ADRESSE: 'street',
  LIEU_DIT: 'address_locality',
  CODE_POSTAL: 'postcode',
  VILLE: 'city',
  PAYS: 'country',
  EMAIL: 'email',
  TEL_PORTABLE: 'phone_mobile',
  TEL_FIXE: 'phone_landline',
  DATE_NAISSANCE: 'birth_date',
  OPTIN_EMAIL: 'optin_email',
  OPTIN_SMS: 'optin_sms',
  OPTIN_TEL: 'optin_phone',
  DATE_CREATION: 'created_at',
};

const FRENCH_TRANSACTION_HEADERS: Record<string, (typeof TRANSACTION_COLUMNS)[number]> = {
  NUMCLIENT: 'customer_id',
  NUMTRANSACTION: 'transaction_id',
  DATE: 'date',
  MONTANT: 'amount_eur',
  CATEGORIE: 'category',
  CANAL: 'channel',
};

/** M04 exports columns in its web shop's order, not the canonical one. */
const WEB_SHOP_CUSTOMER_ORDER: readonly (typeof CUSTOMER_COLUMNS)[number][] = [
  'customer_id',
  'email',
  'civility',
  'first_name',
  'last_name',
  'birth_date',
  'phone_mobile',
  'phone_landline',
  'street',
  'address_complement',
  'address_building',
  'address_locality',
  'postcode',
  'city',
  'country',
  'optin_email',
  'optin_sms',
  'optin_phone',
  'created_at',
];

const BASE_STYLE: TMemberStyle = {
  upperCaseShare: 0.1,
  lowerCaseShare: 0.01,
  dropAccentsShare: 0.1,
  abbreviateStreetTypeShare: 0.15,
  lowerStreetTypeShare: 0.5,
  postalCityShare: 0.15,
  phoneFormats: {
    spaced: 60,
    compact: 20,
    international_spaced: 5,
    dotted: 8,
    international_compact: 4,
    international_00: 1,
    dashed: 2,
  },
  maleCivilities: ['M'],
  femaleCivilities: ['Mme'],
  missingEmailShare: 0.1,
  missingMobileShare: 0.15,
  landlineShare: 0.6,
  missingBirthDateShare: 0.05,
  postcodeZeroDropShare: 0.005,
  quotedComplementShare: 0,
  multilineComplementShare: 0,
};

const indexesOf = (columns: readonly string[], header: readonly string[]): number[] =>
  header.map((name) => columns.indexOf(name));

/**
 * The export profile of the member at a 0-based position: M01 canonical UTF-8,
 * M02 `;` with quoted delimiters and line breaks, M03 Windows-1252 with French
 * headers, M04 UTF-8 with BOM and `DD/MM/YYYY`; later members cycle these four.
 *
 * @example
 * memberProfile(2).dialect.encoding // 'windows-1252'
 */
export function memberProfile(index: number): TMemberProfile {
  const code = `M${String(index + 1).padStart(2, '0')}`;
  const kind = index % 4;
  if (kind === 0) {
    return {
      code,
      dialect: {
        encoding: 'utf-8',
        delimiter: ',',
        quote: '"',
        dateFormat: 'YYYY-MM-DD',
        decimalSeparator: '.',
        headers: { customers: {}, transactions: {} },
      },
      lineEnding: '\n',
      byteOrderMark: false,
      customerHeader: CUSTOMER_COLUMNS,
      customerColumnIndexes: indexesOf(CUSTOMER_COLUMNS, CUSTOMER_COLUMNS),
      transactionHeader: TRANSACTION_COLUMNS,
      transactionColumnIndexes: indexesOf(TRANSACTION_COLUMNS, TRANSACTION_COLUMNS),
      optinYes: '1',
      optinNo: '0',
      categories: [
        ['mode_femme', 30],
        ['mode_homme', 20],
        ['chaussures', 20],
        ['accessoires', 15],
        ['lingerie', 10],
        ['mode_enfant', 5],
      ],
      channels: [
        ['web', 45],
        ['magasin', 50],
        ['vad', 5],
      ],
      medianAmount: 55,
      weight: 1.3,
      style: BASE_STYLE,
    };
  }
  if (kind === 1) {
    const header = CUSTOMER_COLUMNS.filter((column) => column !== 'optin_phone');
    return {
      code,
      dialect: {
        encoding: 'utf-8',
        delimiter: ';',
        quote: '"',
        dateFormat: 'YYYY-MM-DD',
        decimalSeparator: ',',
        headers: { customers: {}, transactions: {} },
      },
      lineEnding: '\n',
      byteOrderMark: false,
      // No optin_phone column: this member never collected phone consent.
      customerHeader: header,
      customerColumnIndexes: indexesOf(CUSTOMER_COLUMNS, header),
      transactionHeader: TRANSACTION_COLUMNS,
      transactionColumnIndexes: indexesOf(TRANSACTION_COLUMNS, TRANSACTION_COLUMNS),
      optinYes: '1',
      optinNo: '0',
      categories: [
        ['maison_deco', 30],
        ['jardin', 20],
        ['bricolage', 20],
        ['cuisine', 15],
        ['literie', 10],
        ['luminaire', 5],
      ],
      channels: [
        ['web', 35],
        ['magasin', 60],
        ['vad', 5],
      ],
      medianAmount: 70,
      weight: 1,
      style: {
        ...BASE_STYLE,
        upperCaseShare: 0.85,
        dropAccentsShare: 0.7,
        abbreviateStreetTypeShare: 0.7,
        postalCityShare: 0.6,
        phoneFormats: { ...BASE_STYLE.phoneFormats, spaced: 15, compact: 70 },
        maleCivilities: ['M.'],
        femaleCivilities: ['MME'],
        missingEmailShare: 0.2,
        missingBirthDateShare: 0.2,
        quotedComplementShare: 0.03,
        multilineComplementShare: 0.01,
      },
    };
  }
  if (kind === 2) {
    const customerHeader = Object.keys(FRENCH_CUSTOMER_HEADERS);
    const transactionHeader = Object.keys(FRENCH_TRANSACTION_HEADERS);
    return {
      code,
      dialect: {
        encoding: 'windows-1252',
        delimiter: ';',
        quote: '"',
        dateFormat: 'DD/MM/YYYY',
        decimalSeparator: ',',
        headers: { customers: FRENCH_CUSTOMER_HEADERS, transactions: FRENCH_TRANSACTION_HEADERS },
      },
      lineEnding: '\r\n',
      byteOrderMark: false,
      customerHeader,
      customerColumnIndexes: indexesOf(
        CUSTOMER_COLUMNS,
        customerHeader.map((name) => FRENCH_CUSTOMER_HEADERS[name] as string),
      ),
      transactionHeader,
      transactionColumnIndexes: indexesOf(
        TRANSACTION_COLUMNS,
        transactionHeader.map((name) => FRENCH_TRANSACTION_HEADERS[name] as string),
      ),
      optinYes: 'O',
      optinNo: 'N',
      categories: [
        ['livres', 40],
        ['presse', 20],
        ['musique', 10],
        ['jeux_societe', 10],
        ['papeterie', 10],
        ['bd_manga', 10],
      ],
      channels: [
        ['web', 30],
        ['magasin', 30],
        ['vad', 40],
      ],
      medianAmount: 22,
      weight: 0.8,
      style: {
        ...BASE_STYLE,
        upperCaseShare: 0.5,
        dropAccentsShare: 0.05,
        abbreviateStreetTypeShare: 0.4,
        postalCityShare: 0.3,
        phoneFormats: {
          ...BASE_STYLE.phoneFormats,
          spaced: 30,
          dotted: 40,
          international_spaced: 15,
        },
        maleCivilities: ['M.', 'Monsieur'],
        femaleCivilities: ['Mme', 'Madame', 'Mlle'],
        missingEmailShare: 0.3,
        missingMobileShare: 0.25,
        landlineShare: 0.8,
        missingBirthDateShare: 0.1,
      },
    };
  }
  return {
    code,
    dialect: {
      encoding: 'utf-8',
      delimiter: ',',
      quote: '"',
      dateFormat: 'DD/MM/YYYY',
      decimalSeparator: '.',
      headers: { customers: {}, transactions: {} },
    },
    lineEnding: '\n',
    byteOrderMark: true,
    customerHeader: WEB_SHOP_CUSTOMER_ORDER,
    customerColumnIndexes: indexesOf(CUSTOMER_COLUMNS, WEB_SHOP_CUSTOMER_ORDER),
    transactionHeader: TRANSACTION_COLUMNS,
    transactionColumnIndexes: indexesOf(TRANSACTION_COLUMNS, TRANSACTION_COLUMNS),
    optinYes: '1',
    optinNo: '0',
    categories: [
      ['voyages', 30],
      ['sejours', 20],
      ['week_end', 20],
      ['croisieres', 10],
      ['billetterie', 10],
      ['location_vacances', 10],
    ],
    channels: [
      ['web', 80],
      ['magasin', 10],
      ['vad', 10],
    ],
    medianAmount: 180,
    weight: 1.1,
    style: {
      ...BASE_STYLE,
      upperCaseShare: 0.2,
      lowerCaseShare: 0.05,
      dropAccentsShare: 0.3,
      postcodeZeroDropShare: 0.05,
      phoneFormats: {
        ...BASE_STYLE.phoneFormats,
        spaced: 20,
        compact: 20,
        international_compact: 40,
        international_spaced: 15,
      },
      maleCivilities: ['Monsieur', 'M'],
      femaleCivilities: ['Madame', 'Mme'],
      missingEmailShare: 0.02,
      missingBirthDateShare: 0.3,
      landlineShare: 0.3,
    },
  };
}
