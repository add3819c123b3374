export { type AppOptions, createApp } from './app.js';
export { type RunningServer, type ServeOptions, parseAddr, startServer } from './server.js';
export { ServerConfig } from './submissions.js';
export { newToken, tokenFromFile } from './token.js';
