// An empty generator: no prompts, no options beyond the destination, writes one file. With
// BENCH_FLOOR_FILES=N it writes N files of about 1 KB in folders of 14 (the shape of a workload's
// files), to measure what Yeoman's in-memory file system and commit cost per file.
import { resolve } from 'node:path';
import Generator from 'yeoman-generator';

export default class FloorGenerator extends Generator {
  constructor(args, options) {
    super(args, options);
    this.argument('destination', { type: String, required: false });
  }

  initializing() {
    if (this.options.destination) this.destinationRoot(resolve(this.destinationRoot(), this.options.destination));
  }

  writing() {
    this.fs.write(this.destinationPath('README.md'), '# floor\n');
    const files = Number(process.env.BENCH_FLOOR_FILES ?? 1);
    for (let i = 1; i < files; i++) {
      const body = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: file-${i}\ndata:\n  value: "${'x'.repeat(960)}"\n`;
      this.fs.write(this.destinationPath(`files/group-${Math.floor(i / 14)}/file-${i}.yaml`), body);
    }
  }
}
