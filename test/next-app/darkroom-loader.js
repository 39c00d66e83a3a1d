// What the client's README tells a Next.js app to write: the loader is @darkroom/client's own.
export { default } from '@darkroom/client/next';
