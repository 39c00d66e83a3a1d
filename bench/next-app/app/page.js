import Image from 'next/image';

// One next/image, so the build is a real app's; the bench requests /_next/image directly.
export default function Page() {
  return <Image src="/photos/camera-0-8mp.jpg" alt="" width={640} height={480} sizes="640px" />;
}
