/** Child process of the decode benchmark: reads a whole file through dubstage's reader. */
import { openAudio } from '../src/audio/open.js';
import { allocateBlock } from '../src/audio/reader.js';

const file = process.argv[2]!;
const start = process.hrtime.bigint();
const reader = await openAudio(file);
const block = allocateBlock(reader.info.channels, 65536);
let frames = 0;
let check = 0;
for (let n = await reader.read(block, 65536); n > 0; n = await reader.read(block, 65536)) {
  frames += n;
  check += block[0]![0]!; // touch the output so nothing is optimised away
}
await reader.close();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ frames, seconds, check, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
