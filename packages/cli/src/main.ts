#!/usr/bin/env node
// libuv's pool (4 threads by default) carries every file-system call; with several transfers
// each waiting on an fsync, 4 threads starve the rest. It is sized on first use, so this must
// run before anything touches the disk, hence the program is loaded only afterwards.
process.env.UV_THREADPOOL_SIZE ??= '16';
(await import('./output-pipe.js')).endQuietlyWhenReaderLeaves();
await import('./program.js');
