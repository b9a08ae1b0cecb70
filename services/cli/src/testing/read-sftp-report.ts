import { connectSftp } from './connect-sftp.ts';
import type { TServe } from './start-serve.ts';

/**
 * Reads one of a member's drop reports from its SFTP `reports/` folder.
 *
 * @example
 * const report = await readSftpReport({ serve, memberCode: 'M02', privateKeyPath, fileName });
 */
export async function readSftpReport(options: {
  serve: TServe;
  memberCode: string;
  privateKeyPath: string;
  fileName: string;
}): Promise<Record<string, unknown>> {
  const client = await connectSftp({
    sftpPort: options.serve.sftpPort,
    organisationCode: options.memberCode,
    privateKeyPath: options.privateKeyPath,
  });
  try {
    return JSON.parse(String(await client.get(`/reports/${options.fileName}.report.json`)));
  } finally {
    await client.end();
  }
}
