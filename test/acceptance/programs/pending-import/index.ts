// The smallest dynamic resource: no Materialize, no SQL. Every provider call appends a line to the file that
// PENDING_IMPORT_LOG names (the provider runs in the CLI's plugin process, which inherits the environment), so
// the test can tell which calls the engine made.
import * as pulumi from '@pulumi/pulumi';

const note = (line: string): void => {
  require('fs').appendFileSync(process.env.PENDING_IMPORT_LOG as string, `${line}\n`);
};

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    note('create');
    return { id: 'thing-1', outs: inputs };
  },
  async read(id, props) {
    note(`read ${id} ${JSON.stringify(props ?? {})}`);
    return { id, props: { value: 'x' } };
  },
  async delete(id) {
    note(`delete ${id}`);
  },
};

class Thing extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super(provider, name, { value: 'x' });
  }
}

export const thingId = new Thing('thing').id;
