/**
 * What a scan of a class-per-folder dataset returns ({@link scanImageFolder}).
 */
import type { MriSequence } from './class-names.js';

/** One class (a top-level folder with at least one image). */
export interface ImageClass {
  /** Stable id: rank of `name` in code-point order among non-empty classes. */
  id: number;
  /** Folder name, NFC-normalised (`Meningioma (de Baixo Grau, Atípico, …) T1C+`). */
  name: string;
  /** Lesion family parsed from the name (`Meningioma`, `NORMAL`, …). */
  family: string;
  /** MRI sequence parsed from the name, or `null`. */
  sequence: MriSequence | null;
  /** Index of `family` in {@link ImageFolderScan.families}. */
  familyId: number;
  /** Index of `sequence` in {@link ImageFolderScan.sequences}, or -1. */
  sequenceId: number;
  /** Number of image files found (before decoding). */
  count: number;
  /** The folder names on disk (more than one when NFC and NFD spellings both exist). */
  folders: string[];
}

/** One image file. */
export interface ImageFile {
  /** Path as stored on disk (not normalised, so it can be opened). */
  path: string;
  /** Path relative to the root, NFC-normalised and with `/` separators. */
  relativePath: string;
  classId: number;
  /** Size in bytes and modification time, for cache keys. */
  size: number;
  mtimeMs: number;
}

/** Why a file or folder was skipped. */
export type SkipCode =
  | 'junk'
  | 'not-image'
  | 'empty-file'
  | 'empty-class'
  | 'outside-class'
  | 'unreadable'
  | 'decode-failed';

/** A skipped file or folder and why; skipping never stops a scan or a load. */
export interface SkippedFile {
  path: string;
  code: SkipCode;
  reason: string;
}

/** Result of {@link scanImageFolder}. */
export interface ImageFolderScan {
  root: string;
  classes: ImageClass[];
  files: ImageFile[];
  skipped: SkippedFile[];
  /** Family label set (code-point order); `classes[i].familyId` indexes it. */
  families: string[];
  /** Sequence label set `['T1', 'T1C+', 'T2']`; `classes[i].sequenceId` indexes it. */
  sequences: MriSequence[];
}
