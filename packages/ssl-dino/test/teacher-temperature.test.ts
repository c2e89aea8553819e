import { ConfigError } from '@tumorxai/core';
import { loadJsonFixture } from '@tumorxai/core/testing';
import { describe, expect, it } from 'vitest';
import { teacherTemperatureSchedule } from '../src/index.js';

interface Case {
  epoch: number;
  warmup_teacher_temp: number;
  teacher_temp: number;
  warmup_teacher_temp_epochs: number;
  expected: number;
}

describe('teacherTemperatureSchedule', () => {
  it('matches every case of schedule_teacher_temp.json', () => {
    const { cases } = loadJsonFixture<{ cases: Case[] }>('ssl/schedule_teacher_temp.json');
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const c of cases) {
      const tauT = teacherTemperatureSchedule({
        warmup: c.warmup_teacher_temp,
        final: c.teacher_temp,
        warmupEpochs: c.warmup_teacher_temp_epochs,
      });
      expect(Math.abs(tauT(c.epoch) - c.expected)).toBeLessThanOrEqual(1e-15);
    }
  });

  it("defaults to the paper's 0.04 → 0.07 over 30 epochs, changing once per epoch", () => {
    const tauT = teacherTemperatureSchedule();
    expect(tauT(0)).toBe(0.04);
    expect(tauT(29)).toBe(0.07);
    expect(tauT(1000)).toBe(0.07);
    for (let e = 1; e < 30; e++) expect(tauT(e)).toBeGreaterThan(tauT(e - 1));
    expect(() => tauT(1.5)).toThrow(/once per epoch/);
    expect(() => tauT(-1)).toThrow(ConfigError);
  });

  it('rejects invalid options', () => {
    expect(() => teacherTemperatureSchedule({ warmup: 0 })).toThrow(ConfigError);
    expect(() => teacherTemperatureSchedule({ final: Number.NaN })).toThrow(/final/);
    expect(() => teacherTemperatureSchedule({ warmupEpochs: -1 })).toThrow(/warmupEpochs/);
    expect(() => teacherTemperatureSchedule({ warmupEpochs: 2.5 })).toThrow(ConfigError);
  });
});
