import { describe, expect, it } from 'vitest';
import { MRI_CLASS_NAMES, MRI_FAMILIES, parseClassName } from '../src/index.js';

describe('class names', () => {
  it('lists the 17 real classes in code-point order with _NORMAL last', () => {
    expect(MRI_CLASS_NAMES).toHaveLength(17);
    expect(MRI_CLASS_NAMES[0]).toBe(
      'Glioma (Astrocitoma, Ganglioglioma, Glioblastoma, Oligodendroglioma, Ependimoma) T1',
    );
    expect(MRI_CLASS_NAMES.slice(-2)).toEqual(['_NORMAL T1', '_NORMAL T2']);
    expect(MRI_CLASS_NAMES).toContain(
      'Meningioma (de Baixo Grau, Atípico, Anaplásico, Transicional) T2',
    );
    expect([...MRI_CLASS_NAMES].sort()).toEqual(MRI_CLASS_NAMES);
  });

  it('parses family and sequence of every real class', () => {
    const families = new Set<string>(MRI_FAMILIES.map((f) => f.family));
    for (const name of MRI_CLASS_NAMES) {
      const parsed = parseClassName(name);
      expect(families.has(parsed.family)).toBe(true);
      expect(['T1', 'T1C+', 'T2']).toContain(parsed.sequence);
      expect(name.endsWith(` ${parsed.sequence}`)).toBe(true);
    }
    expect(parseClassName('_NORMAL T2')).toEqual({
      name: '_NORMAL T2',
      family: 'NORMAL',
      sequence: 'T2',
    });
    expect(
      parseClassName('Outros Tipos de Lesões (Abscessos, Cistos, Encefalopatias Diversas) T1C+'),
    ).toMatchObject({ family: 'Outros Tipos de Lesões', sequence: 'T1C+' });
  });

  it('normalises NFD to NFC and accepts sequence spelling variants', () => {
    const nfd = 'Meningioma (de Baixo Grau, Atípico) T1C+'.normalize('NFD');
    expect(nfd).not.toBe(nfd.normalize('NFC'));
    const parsed = parseClassName(nfd);
    expect(parsed.name).toBe(nfd.normalize('NFC'));
    expect(parsed.sequence).toBe('T1C+');
    for (const s of ['T1C', 't1c+', 'T1+C', 'T1 C+', 'T1-C+']) {
      expect(parseClassName(`Glioma ${s}`).sequence).toBe('T1C+');
    }
    expect(parseClassName('Glioma T1').sequence).toBe('T1');
    expect(parseClassName('  Glioma   T2 ').sequence).toBe('T2');
  });

  it('returns a null sequence when the name has none', () => {
    expect(parseClassName('Pituitary')).toEqual({
      name: 'Pituitary',
      family: 'Pituitary',
      sequence: null,
    });
    expect(parseClassName('GlioT1').sequence).toBeNull();
  });
});
