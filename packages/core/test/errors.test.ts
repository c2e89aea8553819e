import { describe, expect, it } from 'vitest';
import {
  BackendError,
  ConfigError,
  DataError,
  DisposedError,
  formatError,
  IOError,
  ShapeError,
  TumorxaiError,
} from '../src/index.js';

describe('errors', () => {
  it('formats messages as "<fn>: problem. Expected x, got y. Fix."', () => {
    expect(
      formatError({
        fn: 'ntXentLoss',
        problem: 'z1 and z2 must have the same shape',
        expected: [4, 128],
        got: [4, 64],
        fix: 'Pass two views of the same batch',
      }),
    ).toBe(
      'ntXentLoss: z1 and z2 must have the same shape. Expected [4,128], got [4,64]. Pass two views of the same batch.',
    );
    expect(formatError({ fn: 'f', problem: 'bad.', got: 'x' })).toBe('f: bad. Got x.');
  });

  it('gives every subclass a stable code and name', () => {
    const cases: Array<[TumorxaiError, string, string]> = [
      [new ShapeError('m'), 'E_SHAPE', 'ShapeError'],
      [new ConfigError('m'), 'E_CONFIG', 'ConfigError'],
      [new DisposedError('m'), 'E_DISPOSED', 'DisposedError'],
      [new BackendError('m'), 'E_BACKEND', 'BackendError'],
      [new IOError('m'), 'E_IO', 'IOError'],
      [new DataError('m'), 'E_DATA', 'DataError'],
    ];
    for (const [error, code, name] of cases) {
      expect(error).toBeInstanceOf(TumorxaiError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
    }
  });

  it('keeps the cause', () => {
    const cause = new Error('inner');
    expect(new IOError('outer', { cause }).cause).toBe(cause);
  });
});
