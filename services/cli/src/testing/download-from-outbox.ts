import { connectSftp } from './connect-sftp.ts';
import type { TServe } from './start-serve.ts';

/**
 * Downloads a delivery file from a client's SFTP `/out/`, logging in as the client.
 *
 * @example
 * await downloadFromOutbox({ serve, clientCode: 'C01', privateKeyPath, fileName, localFile: '/tmp/d.csv.gpg' });
 */
export async function downloadFromOutbox(options: {
  serve: TServe;
  clientCode: string;
  privateKeyPath: string;
  fileName: string;
  localFile: string;
}): Promise<void> {
  const client = await connectSftp({
    sftpPort: options.serve.sftpPort,
    organisationCode: options.clientCode,
    privateKeyPath: options.privateKeyPath,
  });
  try {
    await client.fastGet(`/out/${options.fileName}`, options.localFile);
  } finally {
    await client.end();
  }
}
