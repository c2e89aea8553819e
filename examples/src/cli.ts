/**
 * `tumorxai`: the experiment CLI. Its commands arrive with issue #9 (eval and the CLI); until
 * then it says what each will do and exits non-zero.
 */
const PLANNED: Record<string, string> = {
  demo: 'generate synthetic phantoms, pretrain SimCLR on a tiny ResNet, run a linear probe against random init and a supervised baseline, draw a CAM gallery, and write runs/demo/{results.md,results.json,*.png}',
  reproduce:
    "run the paper's full matrix (SimCLR, BYOL, DINO, MoCo v3 × linear probe / fine-tune × 1/10/100 % labels) on a dataset folder",
  pretrain: 'pretrain one SSL method',
  evaluate: 'evaluate a pretrained backbone',
  explain: 'write a CAM overlay for an image and a checkpoint',
  phantoms: 'generate the synthetic phantom dataset',
  bench: 'run the benchmarks',
};

const command = process.argv[2] ?? 'help';
if (command in PLANNED) {
  console.error(
    `tumorxai ${command} is not implemented yet. When it is, it will ${PLANNED[command]}.`,
  );
} else {
  console.error(`Usage: tumorxai <${Object.keys(PLANNED).join('|')}>`);
}
process.exit(1);
