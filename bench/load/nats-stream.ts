import { connect } from 'nats';

/**
 * Deletes the JetStream stream the replicas made for one benchmark run: the NATS bus names it
 * `BATON_<NATS_DEPLOYMENT>`, and the benchmark gives every run a deployment of its own.
 */
export async function deleteNatsStream(url: string, deployment: string): Promise<void> {
  const nc = await connect({ servers: url.replace(/^nats:\/\//, '') });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(`BATON_${deployment}`);
  } finally {
    await nc.close();
  }
}
