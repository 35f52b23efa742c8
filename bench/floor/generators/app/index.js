// An empty generator: no prompts, no options beyond the destination, writes one file.
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
  }
}
