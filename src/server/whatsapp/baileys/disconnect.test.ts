import { Boom } from '@hapi/boom';
import { DisconnectReason } from 'baileys';
import { describe, expect, it } from 'vitest';
import { classifyDisconnect, statusCodeOf } from './disconnect.js';

// Errors built the way Baileys builds them in Socket/socket.js.
describe('classifyDisconnect', () => {
  it.each([
    ['restart_required', new Boom('Stream Errored (restart required)', { statusCode: DisconnectReason.restartRequired })],
    ['logged_out', new Boom('Intentional Logout', { statusCode: DisconnectReason.loggedOut })],
    ['logged_out', new Boom('Connection Failure', { statusCode: 401, data: { reason: '401' } })],
    ['replaced', new Boom('Stream Errored (conflict)', { statusCode: DisconnectReason.connectionReplaced })],
    ['forbidden', new Boom('Connection Failure', { statusCode: DisconnectReason.forbidden })],
    ['bad_session', new Boom('Stream Errored (unknown)', { statusCode: DisconnectReason.badSession })],
    ['multidevice_mismatch', new Boom('Multi-device beta not joined', { statusCode: DisconnectReason.multideviceMismatch })],
    ['qr_timeout', new Boom('QR refs attempts ended', { statusCode: DisconnectReason.timedOut })],
    ['transient', new Boom('Timed Out', { statusCode: DisconnectReason.timedOut })],
    ['transient', new Boom('Connection Terminated', { statusCode: DisconnectReason.connectionClosed })],
    ['transient', new Boom('Connection Terminated by Server', { statusCode: DisconnectReason.connectionClosed })],
    ['transient', new Boom('Service Unavailable', { statusCode: DisconnectReason.unavailableService })],
    ['transient', new Boom('Something new', { statusCode: 599 })],
    ['transient', new Error('getaddrinfo ENOTFOUND web.whatsapp.com')],
  ] as const)('%s ← %s', (cls, error) => {
    expect(classifyDisconnect(error).class).toBe(cls);
  });

  it('treats a close without error as our own stop', () => {
    expect(classifyDisconnect(undefined)).toEqual({ class: 'stopped', code: null, text: 'Stopped' });
  });

  it('gives a readable text with the code and the engine message', () => {
    const info = classifyDisconnect(new Boom('Stream Errored (conflict)', { statusCode: 440 }));
    expect(info.code).toBe(440);
    expect(info.text).toBe('Another connection for this number took over (440: Stream Errored (conflict))');
    expect(classifyDisconnect(new Error('socket hang up')).text).toBe('Connection lost (socket hang up)');
  });

  it('reads the status code only from a Boom-like shape', () => {
    expect(statusCodeOf(new Boom('x', { statusCode: 503 }))).toBe(503);
    expect(statusCodeOf({ output: { statusCode: '503' } })).toBeNull();
    expect(statusCodeOf('boom')).toBeNull();
  });
});
