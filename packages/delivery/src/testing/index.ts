// The shared seeded generator, under the name delivery tests know it by.
export { seededRandom as mulberry32 } from '@alliage/domain/testing';
