import type { Command } from 'commander';
import { BadInput } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';
import { ServerConfig, newToken, parseAddr, startServer, tokenFromFile } from '@ferry/serve';
import { displayRedisUrl, openQueues, queuePrefix, redisUrlFrom } from '@ferry/worker';
import { formatTime } from '../format.js';
import { UsageError } from '../output.js';
import { type QueueFlags, addQueueOptions } from '../queue-options.js';

interface ServeFlags extends QueueFlags {
  addr: string;
  tokenFile?: string;
}

export function addServeCommand(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Web dashboard and JSON API over the workers\' queue, until SIGTERM/SIGINT (runs no transfers itself)')
    .option('--addr <host:port>', 'where to listen; any address other than loopback is still guarded by the token', '127.0.0.1:7878')
    .option('--token-file <file>', 'keep the access token in this file (created with a new token when missing) instead of a new one each start');
  addQueueOptions(cmd).action(async (flags: ServeFlags) => {
    let where: { host: string; port: number };
    try {
      where = parseAddr(flags.addr);
    } catch (err) {
      throw new UsageError((err as BadInput).message);
    }
    const token = flags.tokenFile !== undefined ? await tokenFromFile(flags.tokenFile) : newToken();
    registerAllProviders();
    const redisUrl = redisUrlFrom(flags.redis);
    const queues = await openQueues(redisUrl, queuePrefix(flags.prefix));
    const log = (line: string) => process.stderr.write(`${formatTime(Date.now())} ${line}\n`);
    const server = await startServer({ queues, config: new ServerConfig(), token, ...where, log });
    process.stderr.write(`Ferry dashboard on ${displayRedisUrl(redisUrl)} (prefix ${queues.prefix}); open:\n`);
    process.stdout.write(`${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().finally(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await queues.close();
    queues.redis.disconnect();
  });
}
