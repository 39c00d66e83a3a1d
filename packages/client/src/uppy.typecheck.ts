// Compiled by `npm run build` (tsconfig.typecheck.json, with the DOM's typings Uppy needs), never
// shipped: fails the build when darkroomUppy()'s options stop fitting the pinned @uppy/aws-s3 5.x.
import AwsS3, { type AwsS3MultipartOptions } from '@uppy/aws-s3';
import Uppy, { type Body, type Meta } from '@uppy/core';
import { DarkroomClient } from './index.js';
import { darkroomUppy } from './uppy.js';

const client = new DarkroomClient({ baseUrl: 'https://media.example.com', token: 'dut_example' });
const options: AwsS3MultipartOptions<Meta, Body> = darkroomUppy(client);
export const uppy = new Uppy().use(AwsS3, options);
