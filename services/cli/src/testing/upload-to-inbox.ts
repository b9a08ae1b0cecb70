import { connectSftp } from './connect-sftp.ts';
import type { TServe } from './start-serve.ts';

/**
 * Uploads files into a member's SFTP inbox `/in`, logging in as the member.
 *
 * @example
 * await uploadToInbox({ serve, memberCode: 'M01', privateKeyPath, files: [{ localFile, remoteName }] });
 */
export async function uploadToInbox(options: {
  serve: TServe;
  memberCode: string;
  privateKeyPath: string;
  files: { localFile: string; remoteName: string }[];
}): Promise<void> {
  const client = await connectSftp({
    sftpPort: options.serve.sftpPort,
    organisationCode: options.memberCode,
    privateKeyPath: options.privateKeyPath,
  });
  try {
    for (const file of options.files) await client.put(file.localFile, `/in/${file.remoteName}`);
  } finally {
    await client.end();
  }
}
