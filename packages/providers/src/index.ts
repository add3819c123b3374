import { registerAliyunOpen } from './aliyun-open/index.js';
import { registerLocal } from './local/index.js';
import { registerP115 } from './p115/index.js';
import { registerP115Share } from './p115-share/index.js';
import { registerS3 } from './s3/index.js';

export { LocalProvider } from './local/index.js';
export * from './aliyun-open/index.js';
export * from './p115/index.js';
export * from './p115-share/index.js';
export * from './s3/index.js';

/** Registers every provider type this package holds with core's registry. */
export function registerAllProviders(): void {
  registerLocal();
  registerAliyunOpen();
  registerP115();
  registerP115Share();
  registerS3();
}
