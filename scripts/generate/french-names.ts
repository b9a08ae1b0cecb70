// Synthetic-data vocabularies: common French given names and surnames, ordered
// roughly from most to least frequent (the generator weights them Zipf-like).
// Every character is representable in Windows-1252 (é è ê ë à â ç ô î ï ù û ü ÿ œ Œ).

const splitList = (text: string): string[] => [
  ...new Set(
    text
      .split(/[|\n]/)
      .map((name) => name.trim())
      .filter(Boolean),
  ),
];

/** Female given names, most common first; includes compound names. */
export const FEMALE_FIRST_NAMES: readonly string[] = splitList(`
Marie|Nathalie|Isabelle|Sylvie|Catherine|Françoise|Christine|Monique|Valérie|Sandrine
Véronique|Nicole|Stéphanie|Sophie|Céline|Chantal|Patricia|Anne|Brigitte|Julie|Martine
Aurélie|Jacqueline|Caroline|Camille|Émilie|Laura|Léa|Sarah|Manon|Élodie|Christiane
Virginie|Pauline|Laurence|Corinne|Mathilde|Claire|Chloé|Emma|Michèle|Annie|Dominique
Hélène|Danielle|Sabrina|Jeanne|Jocelyne|Alice|Audrey|Marion|Delphine|Karine|Agnès
Florence|Pascale|Béatrice|Évelyne|Josiane|Cécile|Colette|Denise|Simone|Madeleine
Suzanne|Yvette|Odette|Ginette|Thérèse|Paulette|Geneviève|Mireille|Bernadette
Marie-Claire|Marie-Christine|Marie-Thérèse|Marie-France|Marie-Laure|Marie-Pierre
Anne-Marie|Anne-Sophie|Anne-Laure|Marie-Hélène|Marie-José|Marie-Noëlle|Marie-Paule
Inès|Jade|Louise|Zoé|Lina|Lucie|Juliette|Clara|Anaïs|Océane|Noémie|Justine|Marine
Charlotte|Margaux|Morgane|Mélanie|Amandine|Élise|Charlène|Gaëlle|Maëlle|Maëva|Coralie
Jessica|Vanessa|Laetitia|Séverine|Fabienne|Nadia|Fatima|Samia|Leïla|Yasmine|Myriam
Aïcha|Khadija|Amina|Éloïse|Romane|Ambre|Agathe|Victoire|Apolline|Capucine|Constance
Bérénice|Solène|Axelle|Estelle|Gwendoline|Nolwenn|Rozenn|Soizic|Armelle|Ghislaine
Huguette|Lucienne|Germaine|Marcelle|Raymonde|Renée|Andrée|Gisèle|Liliane|Lucette
Micheline|Claudine|Joëlle|Maryse|Annick|Régine|Élisabeth|Frédérique|Carole|Aline
Muriel|Sonia|Magali|Elsa|Eva|Lola|Rose|Anna|Mila|Lou|Nina|Iris|Adèle|Margot|Céleste
Héloïse|Maëlys|Clémence|Ophélie|Mélissa|Cindy|Priscilla|Laure|Lydie|Ninon|Nadine
Josette|Yolande|Arlette|Gilberte|Henriette|Marguerite|Yvonne|Lucile|Flora|Zélie
`);

/** Male given names, most common first; includes compound names. */
export const MALE_FIRST_NAMES: readonly string[] = splitList(`
Jean|Philippe|Michel|Alain|Patrick|Nicolas|Christophe|Pierre|Christian|Éric|Frédéric
Laurent|Stéphane|David|Pascal|Daniel|Sébastien|Julien|Thierry|Olivier|Bernard|Thomas
Alexandre|Gérard|Didier|Dominique|Vincent|François|Bruno|Guillaume|Jérôme|Jacques|Marc
Maxime|Romain|Claude|Antoine|Franck|Jean-Pierre|Anthony|Kévin|Nathan|Lucas|Hugo|Louis
Gabriel|Léo|Raphaël|Arthur|Jules|Adam|Mathis|Ethan|Paul|Noah|Théo|Enzo|Tom|Clément
Baptiste|Quentin|Florian|Mickaël|Cédric|Jérémy|Benoît|Fabrice|Yves|René|Roger|Robert
Marcel|André|Henri|Georges|Raymond|Maurice|Lucien|Gilbert|Jean-Claude|Jean-Luc
Jean-Marc|Jean-Paul|Jean-François|Jean-Louis|Jean-Michel|Jean-Jacques|Jean-Marie
Jean-Baptiste|Jean-Charles|Jean-Christophe|Pierre-Yves|Paul-Henri|Marc-Antoine|Hervé
Serge|Joël|Gilles|Patrice|Denis|Lionel|Yannick|Loïc|Gaël|Erwan|Yann|Ronan|Tanguy
Killian|Mathéo|Timéo|Sacha|Axel|Victor|Martin|Samuel|Simon|Aurélien|Damien|Ludovic
Arnaud|Jonathan|Grégory|Xavier|Emmanuel|Régis|Thibault|Adrien|Valentin|Alexis
Corentin|Dylan|Kylian|Mehdi|Karim|Mohamed|Ahmed|Rachid|Yassine|Bilal|Sofiane|Youssef
Ibrahim|Mamadou|Moussa|Amadou|Jordan|Steven|Rémi|Benjamin|Matthieu|Sylvain|Fabien
Cyril|Vivien|Gaëtan|Tristan|Bastien|Aymeric|Gauthier|Hippolyte|Édouard|Augustin|Côme
Noé|Timothée|Éloi|Marius|Émile|Achille|Lenny|Nolan|Evan|Robin|Gaston|Albert|Fernand
Roland|Guy|Jean-Yves|Francis|Gérald|Jocelyn|Hubert|Bertrand|Léon|Armand|Lucas|Noël
`);

/** Surnames, most common first; includes particles and apostrophes. */
export const SURNAMES: readonly string[] = splitList(`
Martin|Bernard|Thomas|Petit|Robert|Richard|Durand|Dubois|Moreau|Laurent|Simon|Michel
Lefebvre|Leroy|Roux|David|Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|Lambert|Fontaine
Rousseau|Vincent|Muller|Lefèvre|Faure|André|Mercier|Blanc|Guérin|Boyer|Garnier|Chevalier
François|Legrand|Gauthier|Garcia|Perrin|Robin|Clément|Morin|Nicolas|Henry|Roussel
Mathieu|Gautier|Masson|Marchand|Duval|Denis|Dumont|Marie|Lemaire|Noël|Meyer|Dufour
Meunier|Brun|Blanchard|Giraud|Joly|Rivière|Lucas|Brunet|Gaillard|Barbier|Arnaud
Martinez|Gérard|Roche|Renard|Schmitt|Roy|Leroux|Colin|Vidal|Caron|Picard|Roger|Fabre
Aubert|Lemoine|Renaud|Dumas|Lacroix|Olivier|Philippe|Bourgeois|Pierre|Benoît|Rey
Leclerc|Payet|Rolland|Leclercq|Guillaume|Lecomte|Lopez|Jean|Dupuy|Guillot|Hubert
Berger|Carpentier|Sanchez|Dupuis|Moulin|Louis|Deschamps|Huet|Vasseur|Perez|Boucher
Fleury|Royer|Klein|Jacquet|Adam|Paris|Poirier|Marty|Aubry|Guyot|Carré|Charles|Renault
Charpentier|Ménard|Maillard|Baron|Bertin|Bailly|Hervé|Schneider|Fernandez|Le Gall
Collet|Léger|Bouvier|Julien|Prévost|Millet|Perrot|Daniel|Le Roux|Cousin|Germain
Breton|Besson|Langlois|Rémy|Le Goff|Pelletier|Lévêque|Perrier|Leblanc|Barré|Lebrun
Marchal|Weber|Mallet|Hamon|Boulanger|Jacob|Monnier|Michaud|Rodriguez|Guichard|Gillet
Étienne|Grondin|Poulain|Tessier|Chevallier|Collin|Chauvin|Da Silva|Bouchet|Gay
Lemaître|Bénard|Maréchal|Humbert|Reynaud|Antoine|Hoarau|Perret|Barthélemy|Cordier
Pichon|Lejeune|Gilbert|Lamy|Delaunay|Pasquier|Carlier|Laporte|Gonzalez|N'Diaye
Tanguy|Lebon|Texier|Brunel|Jacques|Devaux|Le Floch|Le Bihan|Le Guen|Le Corre|Le Meur
Le Berre|Le Moal|Riou|Quéré|Guillou|Prigent|Jaouen|Cadiou|Le Bris|Morvan|Salaün
Kervella|Guivarch|Wagner|Hoffmann|Fischer|Koch|Keller|Becker|Schmidt|Zimmermann
Kieffer|Walter|Fritsch|Heitz|Bauer|Roth|Huber|Wolff|Lang|Schaeffer|Kuntz|Gomez
Hernandez|Ruiz|Moreno|Navarro|Romero|Torres|Diaz|Alvarez|Jimenez|Munoz|Castillo
Ortega|Marin|Serrano|Blanco|Suarez|Rossi|Russo|Ferrari|Esposito|Bianchi|Romano
Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|De Luca|Mancini|Costa|Giordano|Rizzo
Lombardi|Moretti|Barbieri|Santoro|Mariani|Rinaldi|Caruso|Ferrara|Galli|Leone|Longo
Gentile|Martinelli|Vitale|Coppola|De Santis|D'Angelo|Marchetti|Dos Santos|Pereira
Ferreira|Rodrigues|Fernandes|Gonçalves|Gomes|Lopes|Marques|Alves|Almeida|Ribeiro
Pinto|Carvalho|Teixeira|Moreira|Correia|Mendes|Nunes|Soares|Vieira|Monteiro|Cardoso
Rocha|Coelho|Cruz|Cunha|Pires|Ramos|Reis|Simões|Antunes|Matos|Fonseca|Machado|Araújo
Barbosa|De Oliveira|D'Almeida|De Sousa|Da Costa|Dos Reis|Benali|Benamar|Bensaïd
Haddad|Mansouri|Belkacem|Cherif|Brahimi|Hamidi|Amrani|El Amrani|Ben Ahmed|Ben Salah
Bouaziz|Meziane|Saïdi|Slimani|Taleb|Kaci|Aït Ahmed|Aït Ali|Benhamou|Bouzid|Khelifi
Mebarki|Messaoudi|Rahmani|Ziani|Yahiaoui|Belhadj|Larbi|Diallo|Traoré|Koné|Camara
Cissé|Sylla|Diop|Sow|Ba|Fofana|Keita|Konaté|Touré|Coulibaly|Diarra|Sissoko|Bamba
Kouassi|Mbaye|N'Guessan|N'Dongo|Sarr|Faye|Gueye|Ndiaye|Tall|Nguyen|Tran|Le|Pham
Huynh|Hoang|Phan|Vu|Dang|Bui|Ngo|Duong|Ly|Chen|Wang|Zhang|Li|Liu|Lin|Yang|Huang
de la Fontaine|de La Tour|du Bois|de Villiers|du Plessis|L'Hôte|L'Huillier|Lhermitte
Le Borgne|Le Coz|Le Gal|Le Gac|Le Page|Le Clerc|Le Normand|Le Breton|Le Guennec
Le Hir|Le Roy|Le Quéré|Le Dantec|Lagarde|De Smet|Van Damme|Van de Velde|De Backer
Dewaele|Desmet|Vermeulen|Declercq|Duhamel|Delattre|Delmas|Delcourt|Delpech|Delorme
Desbois|Desjardins|Després|Aubin|Baudry|Benoist|Bigot|Blondel|Bonneau|Bourdon
Bousquet|Boutin|Buisson|Camus|Chauveau|Chevrier|Clerc|Colas|Couturier|Delage|Delamare
Didier|Dumoulin|Duret|Ferrand|Foucher|Gaudin|Gilles|Girault|Godard|Grégoire|Guillet
Hamel|Hébert|Imbert|Jacquot|Jourdan|Labbé|Lacombe|Lafon|Lagrange|Lebreton|Leconte
Lefort|Legendre|Leleu|Lemonnier|Lenoir|Lesage|Loiseau|Mabille|Marion|Martel|Maury
Merle|Michon|Millot|Ollivier|Paquet|Parent|Pascal|Péron|Pinel|Pons|Poulet|Provost
Raynaud|Regnier|Rigaud|Rouxel|Sauvage|Thibault|Tournier|Vallée|Verdier|Vial|Voisin
Baudin|Bazin|Besnard|Bouvet|Briand|Charrier|Chrétien|Courtois|Dubreuil|Dubost|Ducros
Forestier|Fouquet|Gallet|Grenier|Hardy|Joubert|Lamarque|Lecoq|Lecœur|Lefranc
Letellier|Levasseur|Mahé|Maillot|Marteau|Moisan|Mounier|Pagès|Picot|Quentin|Renou
Sabatier|Tardy|Thierry|Vaillant|Valentin|Vallet|Vernet|Vigneron|Lebœuf|Deneuve
`);
