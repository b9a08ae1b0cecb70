import type { ControlContext } from '@alliage/control';
import type { TDecryptionKeyInput } from '@alliage/crypto';
import type { TWarehouse } from '@alliage/warehouse';

/** What rights-request handling runs against; services pass their resources in. */
export interface TRightsDeps {
  ctx: ControlContext;
  /** The pool (read to match and export, written to erase). */
  warehouse: TWarehouse;
  /** The platform's HMAC secret: contact points and suppressions are keyed hashes under it. */
  hmacSecret: string;
  /** SFTP storage root: reports go to `<root>/<MEMBER>/reports/`. */
  sftpRoot: string;
  /** The drop store (`<dropStore>/<MEMBER>/<drop id>`): an erasure deletes the member's processed files. */
  dropStore: string;
  /** The platform key access exports are signed with (the current one). */
  signingKey: TDecryptionKeyInput;
}
