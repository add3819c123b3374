export { HOST_NAMES, format115EmulatorJson, start115Emulator } from './server.js';
export type { Emulator115, Emulator115Options, Emulator115User, HostName } from './server.js';
export type { Fault as Fault115, RiskControlOptions as RiskControl115Options } from './risk.js';
export { WAF_405_PAGE as WAF_405_PAGE_115 } from './risk.js';
export type { Node as Emulator115Node, UserTree as Emulator115Tree } from './store.js';
