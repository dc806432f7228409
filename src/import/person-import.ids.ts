import { createHash } from 'node:crypto';

/** The namespace of the import's name-based ids (RFC 9562 version 5 UUIDs). */
const IMPORT_NAMESPACE = Buffer.from('6f1c3b52a4e04b0e9a3d8c2f5e7b1a90', 'hex');

/** A version-5 UUID (SHA-1 of namespace and name): the same name gives the same id on every run. */
function uuidV5(name: string): string {
  const hash = createHash('sha1').update(IMPORT_NAMESPACE).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id a new person of an import gets, from the importing partner and the row's primary
 * identifier: a run that stopped between the person's registration and its identifiers finds the
 * half-written person under this id on the next run, instead of registering a second one.
 */
export const importedPersonId = (partner: string, system: string, value: string): string =>
  uuidV5(`person\n${partner}\n${system}\n${value}`);

/** The household a file's household key stands for, per partner: the rows sharing it live together. */
export const importedHouseholdId = (partner: string, key: string): string => uuidV5(`household\n${partner}\n${key}`);
