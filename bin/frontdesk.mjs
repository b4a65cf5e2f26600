#!/usr/bin/env node
// The `frontdesk` command. Builds the project first when the build is missing or older than the sources.
import { main } from '../scripts/ensure-build.mjs';

await main(process.argv.slice(2));
