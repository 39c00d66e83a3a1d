// The delivery bench's Next.js app (bench/delivery-peers.ts builds and starts it): only its image
// optimizer is measured, on photos the bench copies into public/photos.
export default {
  images: { qualities: [75], formats: ['image/webp'] },
  // The bench's photos are its own: no telemetry, no powered-by header, nothing else in the way.
  poweredByHeader: false,
};
