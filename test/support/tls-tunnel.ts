import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

/**
 * An HTTPS front for the plain-HTTP S3 server, for pgBackRest, which speaks only HTTPS to S3: TLS
 * is ended here with a self-signed certificate made now, and the bytes go on untouched (so the
 * S3 signature, over the Host header the client sent, still checks out). The address is in the
 * certificate's common name and nowhere else: pgBackRest 2.45 matches a host against DNS names and
 * the common name, never against an IP address entry.
 */
export class TlsTunnel {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    private readonly dir: string,
    readonly port: number,
    /** The certificate, for `repo1-storage-ca-file`. */
    readonly caFile: string,
  ) {}

  static async open(targetPort: number): Promise<TlsTunnel> {
    const dir = mkdtempSync('/tmp/darkroom-tls-');
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], {
      stdio: 'ignore',
    });
    const sockets = new Set<Socket>();
    const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TlsTunnel(server, sockets, dir, (server.address() as { port: number }).port, cert);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
