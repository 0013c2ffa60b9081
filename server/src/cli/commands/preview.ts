import type { CliCommand } from '../command';

export const previewCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe preview: not implemented yet\n');
    return 2;
  },
};
