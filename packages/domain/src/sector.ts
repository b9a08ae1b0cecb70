import { z } from 'zod';

/** Sectors a member can belong to (seeds/003: the co-op's member sectors). */
export const MEMBER_SECTORS = [
  'equipement_personne',
  'equipement_maison',
  'automobile',
  'presse_edition',
  'loisirs_voyages',
  'services',
  'gastronomie_spiritueux',
  'sante_bien_etre',
  'caritatif',
  'objets_collection',
  'gadgets_cadeaux',
] as const;

/** Sectors only clients (third parties) belong to. */
export const CLIENT_ONLY_SECTORS = [
  'energie',
  'vente_distance',
  'etudes_sondages',
  'banque_assurance',
  'alimentaire',
  'telephonie_internet',
  'textile',
  'services_personne',
  'bien_etre_beaute',
] as const;

export const ZSector = z.enum([...MEMBER_SECTORS, ...CLIENT_ONLY_SECTORS]);
export type TSector = z.infer<typeof ZSector>;

/** True when an organisation of this sector may be a member (a data supplier). */
export function isMemberSector(sector: TSector): boolean {
  return (MEMBER_SECTORS as readonly string[]).includes(sector);
}
