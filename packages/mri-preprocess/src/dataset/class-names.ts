/**
 * The 17 classes of the "Brain Tumor MRI Images 17 Classes" dataset used by the TumorXAI paper,
 * and the parsing of a class folder name into a lesion family and an MRI sequence.
 */

/** MRI sequences found in the class names. */
export type MriSequence = 'T1' | 'T1C+' | 'T2';

/** Sequences in label order. */
export const MRI_SEQUENCES: readonly MriSequence[] = ['T1', 'T1C+', 'T2'];

/**
 * The five lesion families plus normal, in the dataset's own (Portuguese) folder names, with
 * their subtypes as listed in the folder names.
 */
export const MRI_FAMILIES = [
  {
    family: 'Glioma',
    folder: 'Glioma (Astrocitoma, Ganglioglioma, Glioblastoma, Oligodendroglioma, Ependimoma)',
    sequences: ['T1', 'T1C+', 'T2'],
  },
  {
    family: 'Meningioma',
    folder: 'Meningioma (de Baixo Grau, Atípico, Anaplásico, Transicional)',
    sequences: ['T1', 'T1C+', 'T2'],
  },
  {
    family: 'Neurocitoma',
    folder: 'Neurocitoma (Central - Intraventricular, Extraventricular)',
    sequences: ['T1', 'T1C+', 'T2'],
  },
  {
    family: 'Outros Tipos de Lesões',
    folder: 'Outros Tipos de Lesões (Abscessos, Cistos, Encefalopatias Diversas)',
    sequences: ['T1', 'T1C+', 'T2'],
  },
  {
    family: 'Schwannoma',
    folder: 'Schwannoma (Acustico, Vestibular - Trigeminal)',
    sequences: ['T1', 'T1C+', 'T2'],
  },
  { family: 'NORMAL', folder: '_NORMAL', sequences: ['T1', 'T2'] },
] as const satisfies ReadonlyArray<{
  family: string;
  folder: string;
  sequences: readonly MriSequence[];
}>;

/**
 * The 17 class folder names of the real dataset (NFC), in the order {@link scanImageFolder}
 * assigns ids (code-point order, like Python's `sorted` and torchvision's `ImageFolder`).
 */
export const MRI_CLASS_NAMES: readonly string[] = MRI_FAMILIES.flatMap((f) =>
  f.sequences.map((s) => `${f.folder} ${s}`),
).sort(compareCodePoints);

/** Code-point order of two strings (locale-independent, stable across machines). */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A class name split into its labels. */
export interface ParsedClassName {
  /** The NFC-normalised, whitespace-trimmed name. */
  name: string;
  /** The family: the name without sequence, parenthesised subtypes and leading `_`. */
  family: string;
  /** The sequence suffix, or `null` when the name has none. */
  sequence: MriSequence | null;
}

// "T1C+", "T1 C+", "T1+C", "T1C", "T1-C+" (case-insensitive) all mean post-contrast T1.
const SEQUENCE_SUFFIX = /(?:^|[\s_-])(T1[\s-]?(?:C\+?|\+C)|T1|T2)\s*$/i;

/**
 * Parses a class folder name, e.g. `Meningioma (de Baixo Grau, Atípico, …) T1C+` →
 * `{ family: 'Meningioma', sequence: 'T1C+' }`, `_NORMAL T2` → `{ family: 'NORMAL', sequence: 'T2' }`.
 * Input may be NFC or NFD (macOS file names); the result is NFC.
 *
 * @example
 * ```ts
 * parseClassName('Schwannoma (Acustico, Vestibular - Trigeminal) T2').sequence; // 'T2'
 * ```
 */
export function parseClassName(folderName: string): ParsedClassName {
  const name = folderName.normalize('NFC').trim();
  const match = SEQUENCE_SUFFIX.exec(name);
  let sequence: MriSequence | null = null;
  let rest = name;
  if (match) {
    const token = match[1]!.toUpperCase().replace(/[\s-]/g, '');
    sequence = token === 'T1' ? 'T1' : token === 'T2' ? 'T2' : 'T1C+';
    rest = name.slice(0, match.index).trim();
  }
  const family =
    rest
      .replace(/\([^)]*\)/g, ' ')
      .replace(/^[\s_]+/, '')
      .replace(/\s+/g, ' ')
      .trim() || rest;
  return { name, family: family || name, sequence };
}
