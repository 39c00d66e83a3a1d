// The Next.js app test/delivery/next-image.test.ts builds and starts: next/image with Darkroom's loader, as a
// platform's app would set it up. NEXT_DIST_DIR gives each run its own build directory.
export default {
  distDir: process.env.NEXT_DIST_DIR || '.next',
  images: { loader: 'custom', loaderFile: './darkroom-loader.js' },
  poweredByHeader: false,
};
