import Image from 'next/image';

/**
 * One next/image of the asset the test names in the query: `src` its `delivery.base`, `width` and
 * `height` its own. Read per request, so one build serves every asset.
 */
export default async function Page({ searchParams }) {
  const { src, width, height } = await searchParams;
  if (!src) return <p>No asset: pass ?src=…&amp;width=…&amp;height=…</p>;
  return (
    <main style={{ maxWidth: 800, margin: '24px auto', padding: '0 16px' }}>
      <h1 style={{ fontSize: 20 }}>next/image through Darkroom</h1>
      <Image
        id="photo"
        src={src}
        width={Number(width)}
        height={Number(height)}
        sizes="(max-width: 800px) 100vw, 800px"
        alt="A photo from the delivery server"
        style={{ width: '100%', height: 'auto' }}
        priority
      />
    </main>
  );
}
