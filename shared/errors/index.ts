export { ClassroomError, isClassroomError } from './classroom-error.js';
export { InvalidIdError } from './invalid-id-error.js';
export { ConfigError, type ConfigProblem } from './config-error.js';
