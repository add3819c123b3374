export { HOST_NAMES, format115EmulatorJson, shareLinkOf as share115LinkOf, start115Emulator } from './server.js';
export type { Emulator115, Emulator115Options, Emulator115ShareLine, Emulator115User, HostName } from './server.js';
export type { ShareOptions as Share115Options, ShareState as Share115State } from './shares.js';
export type { Fault as Fault115, RiskControlOptions as RiskControl115Options } from './risk.js';
export { WAF_405_PAGE as WAF_405_PAGE_115 } from './risk.js';
export type { Node as Emulator115Node, UserTree as Emulator115Tree } from './store.js';
export type { UploadOptions as Upload115Options } from './upload-state.js';
export type { CookieBoundRoutes as CookieBound115Routes } from './cdn.js';
