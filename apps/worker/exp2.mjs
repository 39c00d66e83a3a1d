import sharp from 'sharp';
import fs from 'node:fs';
const dir='/work/main/fixtures/images/';
fs.writeFileSync('/tmp/empty.bin', ''); fs.writeFileSync('/tmp/text.txt', 'hello, this is not an image\n');
for (const f of ['/tmp/empty.bin','/tmp/text.txt', dir+'iphone_13_pro_max.HEIC']) {
  try { console.log(f, await sharp(f).metadata()); } catch (e) { console.log(f, 'META ERR', e.message); }
}
try { await sharp(dir+'iphone_13_pro_max.HEIC').resize(100).toBuffer(); console.log('heic decoded'); } catch(e) { console.log('HEIC decode ERR:', e.message); }
for (const failOn of ['none','truncated','error','warning']) {
  try { const {info} = await sharp(dir+'truncated.jpg', {failOn}).resize(640).webp().toBuffer({resolveWithObject:true}); console.log('trunc', failOn, 'OK', info); }
  catch(e) { console.log('trunc', failOn, 'ERR:', e.message); }
  try { const {info} = await sharp(dir+'truncated.jpg', {failOn}).raw().toBuffer({resolveWithObject:true}); console.log('trunc full', failOn, 'OK', info.width); }
  catch(e) { console.log('trunc full', failOn, 'ERR:', e.message); }
}
// animated cover crop
for (const f of ['animated-loop-3.gif','animated-loop-3.webp']) {
  const {data, info} = await sharp(dir+f, {animated:true}).resize(256,256,{fit:'cover', withoutEnlargement:true}).webp().toBuffer({resolveWithObject:true});
  const m = await sharp(data).metadata();
  console.log(f, 'cover', info, m.pages, m.pageHeight, m.delay, m.loop, m.width, m.height);
  const r2 = await sharp(dir+f, {animated:true}).resize(200,100,{fit:'cover'}).webp().toBuffer({resolveWithObject:true});
  const m2 = await sharp(r2.data).metadata(); console.log(' 200x100', r2.info.width, r2.info.height, m2.pages, m2.pageHeight, m2.delay, m2.loop);
  const r3 = await sharp(dir+f, {animated:true}).resize(640,640,{fit:'inside', withoutEnlargement:true}).webp().toBuffer({resolveWithObject:true});
  const m3 = await sharp(r3.data).metadata(); console.log(' inside640', r3.info.width, r3.info.height, m3.pages, m3.pageHeight, m3.delay, m3.loop);
  const md = await sharp(dir+f, {animated:true}).metadata(); console.log(' meta animated', md.width, md.height, md.pageHeight, md.pages);
}
