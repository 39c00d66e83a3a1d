// Compiled by `npm run build` (tsconfig.typecheck.json, with the DOM's typings Uppy needs), never
// shipped: fails the build when darkroomUppy() stops fitting the pinned Uppy 6 (its instance, and
// the options of @uppy/aws-s3's signRequest mode).
import AwsS3, { type AwsS3Options } from '@uppy/aws-s3';
import Uppy, { type Body, type Meta } from '@uppy/core';
import { DarkroomClient } from './index.js';
import { darkroomUppy } from './uppy.js';

const client = new DarkroomClient({ baseUrl: 'https://media.example.com', token: 'dut_example' });
export const uppy = new Uppy();
const options: AwsS3Options<Meta, Body> = darkroomUppy(uppy, client);
uppy.use(AwsS3, options);
