export { RedisUnavailable, connectRedis, displayRedisUrl, openRedis, redisUrlFrom } from './redis.js';
export { FILE_QUEUE, FerryKeys, TRANSFER_QUEUE, queuePrefix } from './keys.js';
export { type FileJobData, type FileResult, type TransferJobData, type TransferSpec, type TransferSpecInput, type TransferSummary } from './job-data.js';
export { fileJobId, transferKey } from './job-ids.js';
export { Locations, portablePath } from './locations.js';
export { LockedConfigStore } from './config-lock.js';
export { FerryQueues, openQueues } from './queues.js';
export { FileStartLimits, type PacedSide } from './file-start-limits.js';
export { RedisPacerStore } from './redis-pacer-store.js';
export { TransferEvents } from './events.js';
export { type Submitted, submitTransfer } from './submit.js';
export { TransferFailed, followTransfer } from './follow.js';
export { type WorkerPresence, liveWorkers, unservedQueues } from './presence.js';
export { type Deployment, type PausedAccount, type RunningJob, type WorkerStatus, deploymentStatus } from './worker-status.js';
export { type ScheduleInfo, addSchedule, listSchedules, removeSchedule, runScheduleNow } from './schedules.js';
export { type FileFailure, type Outcomes, type TransferFile, type TransferInfo, cancelTransfer, listTransfers, retryTransfer, showTransfer, transferFiles } from './jobs.js';
export { FerryWorker, QUEUE_NAMES, type QueueName, type WorkerOptions } from './worker.js';

