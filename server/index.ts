export { startServer, type StartServerOptions } from './start-server.js';
export type { RunningServer, ServerStatus } from './running-server.js';
export { PollService, type NewPoll, type PollSummary } from './polls/poll-service.js';
export { SERVER_ACCOUNT, SERVER_CLIENT_ID } from './access/accounts.js';
export { serverStatusTopic } from './mqtt/server-link.js';
