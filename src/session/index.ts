/** Session domain: the post-production session as a text file (schema, loading, templates). */
export { SessionSchema, sessionJsonSchema, type Session, type SessionBus, type SessionClip, type SessionInput, type SessionProcessor, type SessionTrack } from './schema.js';
export { durationToSamples, keyPath, loadSession, positionToSamples, SessionError, validateSession, type LoadedSession } from './load.js';
export { sessionTemplate, TEMPLATES, type TemplateName } from './template.js';
