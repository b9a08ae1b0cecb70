import { readFileSync } from 'node:fs';
import SftpClient from 'ssh2-sftp-client';

/**
 * Logs in to a running serve's SFTP service as an organisation, with its private key.
 * The caller ends the session (`client.end()`).
 *
 * @example
 * const client = await connectSftp({ sftpPort: serve.sftpPort, organisationCode: 'M01', privateKeyPath });
 */
export async function connectSftp(options: {
  sftpPort: number;
  organisationCode: string;
  privateKeyPath: string;
}): Promise<SftpClient> {
  const client = new SftpClient();
  await client.connect({
    host: '127.0.0.1',
    port: options.sftpPort,
    username: options.organisationCode,
    privateKey: readFileSync(options.privateKeyPath),
  });
  return client;
}
