import sharp from 'sharp';
import fs from 'node:fs';
const dir='/work/main/fixtures/images/';
for (const f of ['tifftag-photoshop.tiff','Channel_digital_image_CMYK_color.jpg','Flag_of_the_Netherlands-alpha.png','Landscape_6.jpg']) {
  const {data, info} = await sharp(dir+f, {autoOrient:true, failOn:'error'}).toColourspace('srgb').raw().toBuffer({resolveWithObject:true});
  console.log(f, info, data.length, data.constructor.name);
  const {data:d2, info:i2} = await sharp(dir+f, {autoOrient:true}).raw().toBuffer({resolveWithObject:true});
  console.log('  default', i2.channels, d2.length/(i2.width*i2.height*i2.channels));
  const s = await sharp(data, {raw: {width: info.width, height: info.height, channels: info.channels}}).stats();
  console.log('  dominant', s.dominant, 'means', s.channels.map(c=>c.mean.toFixed(1)));
}
// without enlargement cover
for (const [w,h] of [[200,100],[300,200],[320,240]]) {
  const img = sharp({create:{width:w,height:h,channels:3,background:'#c81e3c'}});
  const {info} = await img.resize(256,256,{fit:'cover',withoutEnlargement:true}).webp().toBuffer({resolveWithObject:true});
  console.log('cover noenlarge', w,h,'->',info.width, info.height);
}
// dominant precision
const solid = await sharp({create:{width:64,height:64,channels:3,background:'#c81e3c'}}).png().toBuffer();
console.log('solid dominant', (await sharp(solid).stats()).dominant);
// limitInputPixels for animated
for (const lim of [370*285+1, 370*285*10-1, 370*285*10]) {
  try { await sharp(dir+'animated-loop-3.gif', {animated:true, limitInputPixels: lim}).webp().toBuffer(); console.log('anim lim', lim, 'ok'); } catch(e) { console.log('anim lim', lim, e.message); }
}
try { await sharp(dir+'jolla.jpg', {limitInputPixels: 1000}).metadata(); console.log('meta ignores limit'); } catch(e) { console.log('meta limit', e.message); }
try { await sharp(dir+'jolla.jpg', {limitInputPixels: 1000}).resize(100).toBuffer(); } catch(e) { console.log('render limit', e.message); }
// corrupt headers
const j = fs.readFileSync(dir+'jolla.jpg');
fs.writeFileSync('/tmp/cut100.jpg', j.subarray(0,100));
fs.writeFileSync('/tmp/cut2.jpg', j.subarray(0,2));
const p = fs.readFileSync(dir+'Flag_of_the_Netherlands-alpha.png');
const bad = Buffer.from(p); bad[20] ^= 0xff; fs.writeFileSync('/tmp/badihdr.png', bad);
fs.writeFileSync('/tmp/cutpng.png', p.subarray(0, 30));
const g = fs.readFileSync(dir+'animated-loop-3.gif'); fs.writeFileSync('/tmp/cut.gif', g.subarray(0, 2000));
const w = fs.readFileSync(dir+'animated-loop-3.webp'); fs.writeFileSync('/tmp/cut.webp', w.subarray(0, 2000));
fs.writeFileSync('/tmp/cutpng2.png', p.subarray(0, 400));
for (const f of ['/tmp/cut100.jpg','/tmp/cut2.jpg','/tmp/badihdr.png','/tmp/cutpng.png','/tmp/cut.gif','/tmp/cut.webp','/tmp/cutpng2.png','/tmp/nonexist.jpg']) {
  try { const m = await sharp(f).metadata(); console.log(f, 'meta ok', m.format, m.width, m.height, m.pages);
    try { await sharp(f, {failOn:'error', animated:true}).webp().toBuffer(); console.log('  decode ok'); } catch(e) { console.log('  decode ERR', e.message); }
  } catch(e) { console.log(f, 'meta ERR', e.message, e.code); }
}
