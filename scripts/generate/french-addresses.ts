// Synthetic-data vocabularies for French postal addresses (NF Z10-011 lines 2 to 5).
// Every character is representable in Windows-1252.

/** A street type with its La Poste abbreviation and how often it occurs. */
export interface TStreetType {
  full: string;
  abbreviation: string;
  weight: number;
}

export const STREET_TYPES: readonly TStreetType[] = [
  { full: 'Rue', abbreviation: 'R', weight: 45 },
  { full: 'Avenue', abbreviation: 'AV', weight: 12 },
  { full: 'Boulevard', abbreviation: 'BD', weight: 5 },
  { full: 'Chemin', abbreviation: 'CHE', weight: 8 },
  { full: 'Allée', abbreviation: 'ALL', weight: 7 },
  { full: 'Impasse', abbreviation: 'IMP', weight: 7 },
  { full: 'Place', abbreviation: 'PL', weight: 4 },
  { full: 'Route', abbreviation: 'RTE', weight: 5 },
  { full: 'Square', abbreviation: 'SQ', weight: 1 },
  { full: 'Quai', abbreviation: 'QU', weight: 1 },
  { full: 'Cours', abbreviation: 'CRS', weight: 1 },
  { full: 'Passage', abbreviation: 'PAS', weight: 1 },
  { full: 'Faubourg', abbreviation: 'FG', weight: 1 },
  { full: 'Lotissement', abbreviation: 'LOT', weight: 1 },
  { full: 'Promenade', abbreviation: 'PROM', weight: 0.5 },
  { full: 'Montée', abbreviation: 'MTE', weight: 0.5 },
];

/** Street names as written after the type, with their own preposition. */
export const STREET_NAMES: readonly string[] = `
Victor Hugo|Jean Jaurès|de la République|de la Gare|de l'Église|du Général de Gaulle
du Maréchal Foch|des Lilas|des Écoles|Pasteur|Gambetta|de la Paix|du Moulin|des Acacias
Jules Ferry|Émile Zola|de la Liberté|du Stade|des Tilleuls|des Peupliers|Saint-Exupéry
Antoine de Saint-Exupéry|Jean Moulin|de Verdun|du 8 Mai 1945|du 11 Novembre|du 14 Juillet
Georges Clemenceau|Louis Pasteur|Voltaire|Jean-Jacques Rousseau|Pierre Curie|Marie Curie
Anatole France|Aristide Briand|Saint-Martin|Saint-Jacques|de Paris|de Bretagne|des Roses
des Vignes|des Jardins|du Château|de la Mairie|du Port|de la Fontaine|des Prés|des Érables
des Chênes|du Bois|de la Forêt|des Mimosas|de la Mer|du Commerce|de l'Industrie|Notre-Dame
Sainte-Anne|du Maréchal de Lattre de Tassigny|Charles de Gaulle|Léon Blum
Paul Vaillant-Couturier|Gabriel Péri|Lamartine|Alphonse Daudet|Frédéric Mistral
Maurice Ravel|Claude Debussy|Hector Berlioz|Albert Camus|Jean de la Fontaine|Molière
Racine|Condorcet|Diderot|Montaigne|Pablo Picasso|Paul Cézanne|Auguste Renoir|Claude Monet
Henri Matisse|des Cerisiers|des Pommiers|des Marronniers|des Platanes|des Coquelicots
des Bleuets|des Violettes|des Hirondelles|des Alouettes|des Mésanges|de la Croix
du Calvaire|du Four|du Lavoir|de la Poste|des Sports|de l'Abbaye|des Tanneurs|des Forges
du Canal|de la Libération|de la Résistance|des Martyrs|Nelson Mandela|Simone Veil
François Mitterrand|Jean Monnet|Robert Schuman|Pierre Mendès France|du Docteur Schweitzer
du Président Wilson|Saint-Louis|Sainte-Thérèse|de Bordeaux|de Lyon|de Nantes|des Bœufs
`
  .split(/[|\n]/)
  .map((name) => name.trim())
  .filter(Boolean);

/** Line 2 (inside the building): apartment, floor, staircase; `#` is a number. */
export const COMPLEMENT_PATTERNS: readonly string[] = [
  'APPT #',
  'Appartement #',
  'Apt #',
  'ETG # PTE GAUCHE',
  'Esc B Appt #',
  '#ème étage',
  'Porte #',
  'Logement #',
];

/** Line 3 (outside the building): building, entrance, residence. */
export const BUILDING_NAMES: readonly string[] = [
  'BAT A',
  'BAT B',
  'Bâtiment C',
  'Entrée 2',
  'RESIDENCE LES PINS',
  'Résidence Les Pins',
  'Résidence Le Parc',
  'Résidence du Lac',
  'Les Jardins de la Roseraie',
  'Immeuble Le Méridien',
  'Le Clos des Vignes',
  'Résidence Les Tilleuls BAT D',
  'Cité des Fleurs',
  'Les Terrasses du Port',
];

/** Line 5: lieux-dits of rural communes. */
export const LIEUX_DITS: readonly string[] = [
  'Le Bourg',
  'La Croix Blanche',
  'Les Granges',
  'Le Moulin Neuf',
  'La Métairie',
  'Les Hauts du Val',
  "Le Mas de l'Ermite",
  'Kerbrat',
  'La Bastide',
  'Lieu-dit Les Vignes',
  'Hameau de la Fontaine',
  'Le Pré Haut',
  'La Grange Rouge',
  'Les Bruyères',
  'Le Chêne Vert',
  'Champ Fleuri',
  'La Borie',
  'Les Essarts',
];

/** Words La Poste abbreviates inside street names, and their abbreviations. */
export const STREET_WORD_ABBREVIATIONS: readonly (readonly [RegExp, string])[] = [
  [/\bSaint-/g, 'St-'],
  [/\bSainte-/g, 'Ste-'],
  [/\bGénéral\b/g, 'Gal'],
  [/\bMaréchal\b/g, 'Mal'],
  [/\bDocteur\b/g, 'Dr'],
  [/\bPrésident\b/g, 'Pdt'],
];

/** E-mail providers seen in French customer files, by how common they are. */
export const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.com', 34],
  ['orange.fr', 14],
  ['hotmail.fr', 10],
  ['yahoo.fr', 7],
  ['free.fr', 6],
  ['sfr.fr', 4],
  ['laposte.net', 4],
  ['wanadoo.fr', 4],
  ['outlook.fr', 4],
  ['hotmail.com', 3],
  ['icloud.com', 3],
  ['live.fr', 2],
  ['neuf.fr', 1],
  ['bbox.fr', 1],
  ['aol.com', 0.5],
];
